// What the MCP tools answer, read with the same db/ and shared/ functions as the HTTP reads (the
// revision feed through the /v1/revisions route itself), within the caps an agent's context needs.
import { addDays, isoWeekStart, toDayNumber } from "../../shared/dates.ts";
import { aggregateRows, awaitingIndex } from "../../shared/engine/aggregate-rows.ts";
import { reportDateOf } from "../../shared/engine/summary.ts";
import type {
  AggregateRow,
  FundDayRow,
  FundSummary,
  Period,
  RevisionRow,
  Summary,
} from "../../shared/export.ts";
import { eachGroupDays, readAwaited, readGroupDays, totalDaySpan } from "../db/aggregates.ts";
import { type FlowRecord, listFlows } from "../db/flows.ts";
import { type StoredFundDay, toFundDayRow } from "../db/fund-days.ts";
import { listFundSummaries } from "../db/funds.ts";
import { readDataVersion } from "../db/meta.ts";
import { canonicalTicker, loadAssets } from "../db/reference.ts";
import { Problem } from "../problem.ts";
import { buildCurrentSummary, SUMMARY_KEY } from "../recompute/publish.ts";
import {
  type AggregatePage,
  type AggregateQuery,
  aggregatePageRows,
  planAggregatePage,
} from "../routes/aggregate-page.ts";
import { fundDaily } from "../routes/daily.ts";
import { checkRange } from "../routes/flows.ts";
import { revisions } from "../routes/revisions.ts";

/** Days of one fund per get_fund_days call, and the window when no range is given. */
export const MAX_FUND_DAYS = 400;
export const DEFAULT_FUND_DAYS = 30;
/** Rows of one get_aggregate answer. */
export const MAX_AGGREGATE_ROWS = 400;
/** Revisions of one get_revisions answer. */
export const MAX_REVISIONS = 500;

/**
 * GET /v1/summary's figures: the KV copy while it is as new as D1's data_version, else built from D1
 * (the HTTP read then also refreshes KV; a tool call writes nothing, not even a cache).
 */
export async function readSummary(env: Env): Promise<Summary> {
  const [cached, version] = await Promise.all([
    env.KV.get<Summary>(SUMMARY_KEY, "json"),
    readDataVersion(env.DB),
  ]);
  if (cached && cached.data_version >= version) return cached;
  return buildCurrentSummary(env.DB);
}

/** GET /v1/funds, optionally one asset's funds only. */
export async function readFunds(db: D1Database, asset?: string): Promise<FundSummary[]> {
  const funds = await listFundSummaries(db);
  if (asset === undefined) return funds;
  const assets = await loadAssets(db);
  if (!assets.has(asset)) {
    const known = [...assets.keys()].sort().join(", ");
    throw new Problem(422, `No asset ${asset}; the assets are ${known}.`, [
      { pointer: "/asset", detail: `unknown asset ${asset}` },
    ]);
  }
  return funds.filter((fund) => fund.asset === asset);
}

export interface FundDaysInput {
  ticker: string;
  from?: string | undefined;
  to?: string | undefined;
  as_of?: string | undefined;
}

const earlier = (a: string, b: string) => (a < b ? a : b);

/**
 * GET /v1/funds/{ticker}/daily over at most MAX_FUND_DAYS days. Without `to`, the range ends on the
 * fund's latest day (or MAX_FUND_DAYS after `from`); without `from`, it is DEFAULT_FUND_DAYS long.
 */
export async function readFundDays(env: Env, input: FundDaysInput) {
  const ticker = await canonicalTicker(env.DB, input.ticker);
  let { from, to } = input;
  if (to === undefined) {
    const [fund] = await listFundSummaries(env.DB, ticker);
    if (!fund) throw new Problem(404, `No fund ${input.ticker}.`);
    const latest = fund.latest?.date;
    if (latest === undefined) return { fund: ticker, from: from ?? null, to: null, rows: [] as FundDayRow[] };
    to =
      from === undefined ? latest : from > latest ? from : earlier(latest, addDays(from, MAX_FUND_DAYS - 1));
  }
  from ??= addDays(to, -(DEFAULT_FUND_DAYS - 1));
  checkRange(from, to);
  const days = toDayNumber(to) - toDayNumber(from) + 1;
  if (days > MAX_FUND_DAYS) {
    throw new Problem(422, `${from} to ${to} is ${days} days; one call covers at most ${MAX_FUND_DAYS}.`, [
      { pointer: "/from", detail: `at most ${MAX_FUND_DAYS} days from from to to; split the range` },
    ]);
  }
  const rows = await fundDaily(env, ticker, { from, to, as_of: input.as_of });
  return { fund: ticker, from, to, ...(input.as_of ? { as_of: input.as_of } : {}), rows };
}

/** The first day of the default window of a period ending at `to`; undefined for the whole history. */
export function defaultFrom(period: Period, to: string): string | undefined {
  switch (period) {
    case "day":
      return addDays(to, -29);
    case "week":
      return addDays(isoWeekStart(to), -7 * 12);
    case "month": {
      const months = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7)) - 1 - 11;
      return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, "0")}-01`;
    }
    case "ytd":
      return undefined;
  }
}

/**
 * GET /v1/aggregate's rows, its pages (a calendar year each) followed while the rows fit in
 * MAX_AGGREGATE_ROWS: a longer answer stops at the end of a year, with next_from, the `from` to ask
 * again with; a single year over the cap is refused. Without `from`: the 30 days, 13 ISO weeks or 12
 * months up to `to` (or the latest day), the whole history for ytd.
 */
export async function readAggregate(db: D1Database, input: AggregateQuery) {
  checkRange(input.from, input.to);
  const end = input.to ?? (await totalDaySpan(db))?.last;
  const from = input.from ?? (end === undefined ? undefined : defaultFrom(input.period, end));
  const rows: AggregateRow[] = [];
  let pageFrom = from;
  let nextFrom: string | null = null;
  for (;;) {
    const query = { ...input, from: pageFrom };
    const page = await planAggregatePage(db, query);
    const pageRows = await rowsUpTo(db, query, page, MAX_AGGREGATE_ROWS - rows.length);
    if (pageRows === null && rows.length === 0) {
      throw new Problem(
        422,
        `The answer would have more than ${MAX_AGGREGATE_ROWS} rows; narrow from/to, pick one group with key, or use a longer period.`,
      );
    }
    if (pageRows === null) {
      nextFrom = pageFrom ?? null;
      break;
    }
    rows.push(...pageRows);
    if (page.nextFrom === null) break;
    pageFrom = page.nextFrom;
  }
  return {
    by: input.by,
    ...(input.key === undefined ? {} : { key: input.key }),
    period: input.period,
    from: from ?? null,
    to: end ?? null,
    rows,
    next_from: nextFrom,
  };
}

/** A page's rows, or null once they pass `room`. */
async function rowsUpTo(
  db: D1Database,
  query: AggregateQuery,
  page: AggregatePage,
  room: number,
): Promise<AggregateRow[] | null> {
  const rows: AggregateRow[] = [];
  for await (const group of aggregatePageRows(db, query, page)) {
    rows.push(...group);
    if (rows.length > room) return null;
  }
  return rows;
}

/** What get_flow_table says of a group (all funds, or one asset's) on the day. */
function groupFigures(row: AggregateRow) {
  return {
    net_flow_usd: row.net_flow_usd,
    aum_usd: row.aum_usd,
    flow_effect_usd: row.flow_effect_usd,
    market_effect_usd: row.market_effect_usd,
    funds_listed: row.funds_listed,
    funds_reporting: row.funds_reporting,
    funds_inflow: row.funds_inflow,
    funds_outflow: row.funds_outflow,
    funds_provisional: row.funds_provisional,
    funds_missing: row.funds_missing,
    completeness: row.completeness,
    awaiting: row.awaiting,
  };
}

function otherFigure(flow: FlowRecord) {
  return {
    source: flow.source,
    net_flow_usd: flow.net_flow_usd,
    status: flow.status,
    difference_usd: flow.difference_usd,
    reason: flow.reason,
  };
}

/**
 * The flow table of one day: every listed fund's state and figure with the source used (and the other
 * sources' figures beside it), the day's row of each asset and of all funds from GET /v1/aggregate
 * (completeness, funds awaited), and the fund-days from the same fund_days rows as GET /v1/funds/{t}/daily.
 */
export async function readFlowTable(db: D1Database, date?: string) {
  const totals = await readGroupDays(db, "total");
  const reportDate = reportDateOf(totals);
  const day = date ?? reportDate;
  if (day === null) return { date: null, report_date: null, total: null, by_asset: [], funds: [] };
  const range = { from: day, to: day };
  const [awaited, fundDays, flows, funds] = await Promise.all([
    readAwaited(db, range),
    db
      .prepare(
        // CROSS JOIN keeps funds outer: one primary-key lookup per fund, never a scan of fund_days.
        "SELECT d.* FROM funds f CROSS JOIN fund_days d ON d.fund = f.ticker AND d.date = ?1",
      )
      .bind(day)
      .all<StoredFundDay>(),
    listFlows(db, range),
    listFundSummaries(db),
  ]);
  const options = { ...range, awaiting: awaitingIndex(awaited) };
  const [total] = aggregateRows([totals], totals, "day", options);
  const byAsset: (ReturnType<typeof groupFigures> & { asset: string })[] = [];
  for await (const days of eachGroupDays(db, "asset", totals)) {
    for (const row of aggregateRows([days], totals, "day", options)) {
      byAsset.push({ asset: row.key, ...groupFigures(row) });
    }
  }
  const dayOf = new Map(fundDays.results.map((row) => [row.fund, toFundDayRow(row)]));
  const rows = funds.flatMap((fund) => {
    const fundDay = dayOf.get(fund.ticker);
    if (!fundDay || fundDay.state === "not_listed") return [];
    const figures = flows.filter((flow) => flow.fund === fund.ticker);
    const used = figures.find((flow) => flow.used);
    return [
      {
        fund: fund.ticker,
        name: fund.name,
        asset: fund.asset,
        issuer: fund.issuer,
        state: fundDay.state,
        net_flow_usd: fundDay.net_flow_usd,
        source: used?.source ?? null,
        aum_usd: fundDay.aum_usd,
        other_figures: figures.filter((flow) => !flow.used).map(otherFigure),
      },
    ];
  });
  rows.sort((a, b) => (a.asset === b.asset ? (a.fund < b.fund ? -1 : 1) : a.asset < b.asset ? -1 : 1));
  return {
    date: day,
    report_date: reportDate,
    completeness: total?.completeness ?? null,
    awaiting: total?.awaiting ?? [],
    total: total ? groupFigures(total) : null,
    by_asset: byAsset,
    funds: rows,
  };
}

export interface RevisionsInput {
  since?: string | undefined;
  subject?: string | undefined;
  entity?: string | undefined;
  restated: boolean;
  limit: number;
}

/** GET /v1/revisions, answered by its own route inside this isolate. */
export async function readRevisions(env: Env, input: RevisionsInput) {
  const query = new URLSearchParams({ limit: String(input.limit) });
  if (input.restated) query.set("restated", "true");
  if (input.since !== undefined) query.set("since", input.since);
  if (input.subject !== undefined) query.set("subject", input.subject);
  if (input.entity !== undefined) query.set("entity", input.entity);
  const response = await revisions.request(`/revisions?${query}`, {}, env);
  if (response.status !== 200) {
    throw new Error(`the revisions read answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { revisions: RevisionRow[]; next_since?: string };
  return { restated_only: input.restated, revisions: body.revisions, next_since: body.next_since ?? null };
}
