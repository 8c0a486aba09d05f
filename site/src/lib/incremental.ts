// The fingerprints of the build units (build-units.ts): everything a fund's page, a fund's open data
// files, a weekly report or a flow table's year is made from. An input left out here would keep a
// page that should change; the test that an incremental build equals a full one
// (test/site/incremental.test.ts) is what guards it.
import { createHash, type Hash } from "node:crypto";
import { isoWeekMonday, toDayNumber } from "../../../shared/dates.ts";
import type { FundSummary } from "../../../shared/export.ts";
import { fundNotes } from "./events.ts";
import { type FlowScope, flowColumns, flowsHref, inYear } from "./flowdata.ts";
import type { FlowUnit } from "./flowtable.ts";
import { factDateOf } from "./history.ts";
import type { CachedHistory } from "./history-cache.ts";
import { issuerSlug, type Model } from "./model.ts";
import { weekDigest } from "./week-digests.ts";

/**
 * A fund's days_version is when its rows were last written, not what they are: no page shows it, and
 * a rewrite that leaves them the same must not render anything again.
 */
const hash = (value: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(value, (key, item) => (key === "days_version" ? undefined : item)))
    .digest("hex");

/** Fingerprints asked for by many units, by kind and key: each computed once per build (per model). */
const remembered = new WeakMap<Model, Map<string, string>>();

function once(model: Model, key: string, compute: () => string): string {
  let known = remembered.get(model);
  if (!known) {
    known = new Map();
    remembered.set(model, known);
  }
  let value = known.get(key);
  if (value === undefined) {
    value = compute();
    known.set(key, value);
  }
  return value;
}

/** The asset's AUM day by day, which a fund page's share chart divides by. */
const assetFingerprint = (model: Model, symbol: string) =>
  once(model, `asset\u0000${symbol}`, () =>
    hash(model.groupRows("asset", symbol, "day").map((row) => [row.start, row.aum_usd])),
  );

/** What the fund's daily rows are: their checksum when the cache knows it, else the whole text's. */
function historyFingerprint(model: Model, ticker: string): string {
  const history = model.fundHistory(ticker) as Partial<CachedHistory>;
  return (
    history.sums?.json.sha256 ?? createHash("sha256").update(model.fundHistory(ticker).json).digest("hex")
  );
}

/**
 * Everything a fund's page shows: its metadata and latest figures, its rows, its asset's AUM (the
 * share chart), its revisions, filings, corporate actions and notes, the flow table it links to, the
 * issuer page it links to, the report date of the footer.
 */
export function fundPageFingerprint(model: Model, fund: FundSummary): string {
  const subjectIs = (row: { subject?: string | null; new_value?: unknown }) =>
    row.subject === fund.ticker || (row.new_value as { to_fund?: unknown } | null)?.to_fund === fund.ticker;
  return hash([
    fund,
    historyFingerprint(model, fund.ticker),
    model.asset(fund.asset) ?? null,
    assetFingerprint(model, fund.asset),
    model.revisionsOfFund(fund.ticker),
    model.data.holdings.filter(subjectIs),
    model.data.events.filter(subjectIs),
    fundNotes(model, fund.ticker),
    flowsHref(model, fund.asset, model.reportDate?.slice(0, 4)),
    fund.issuer === null ? null : issuerSlug(fund.issuer),
    model.reportDate,
  ]);
}

/** A fund's open data files are its rows as the API wrote them, and nothing else. */
export function fundFilesFingerprint(model: Model, ticker: string): string {
  return historyFingerprint(model, ticker);
}

const inRange = (start: string, end: string) => (row: { start: string; end: string }) =>
  row.start >= start && row.end <= end;

/**
 * Everything a weekly report shows: the week and its neighbours (the opening AUM, the pager), its
 * indicators, its days, every fund's week (the inflows and outflows), every group's week (issuers,
 * assets) and each asset's days, the assets there are, the report date of the footer.
 */
export function weekPageFingerprint(model: Model, label: string): string {
  const weeks = model.group("total", "all", "week");
  const index = weeks.findIndex((week) => week.label === label);
  const week = weeks[index];
  if (!week) return hash(["no week", label]);
  const held = model.assets.filter((asset) => asset.funds.length > 0);
  const days = inRange(week.start, week.end);
  return hash([
    label,
    weeks[index - 1] ?? null,
    week,
    weeks[index + 1]?.label ?? null,
    model.weeks.includes(weeks[index - 1]?.label ?? ""),
    model.groupRows("total", "all", "week")[index] ?? null,
    model.group("total", "all", "day").filter(days),
    // Each fund's week, and which fund it is: the page shows no fund's latest figures.
    fundWeeksHash(model, label),
    model.periodRows("week", label),
    held.map((asset) => [
      asset.symbol,
      asset.name,
      model.groupAt("asset", asset.symbol, "week", label) ?? null,
      model.group("asset", asset.symbol, "day").filter(days),
    ]),
    model.reportDate,
  ]);
}

/** A typed column's values over [from, to) (clamped to the column), added to `hash` without a copy. */
function addColumn(
  hash: Hash,
  column: Float64Array | Uint8Array | Int32Array | null,
  from: number,
  to: number,
) {
  if (column === null) {
    hash.update("null\u0000");
    return;
  }
  const start = Math.min(Math.max(0, from), column.length);
  const stop = Math.min(Math.max(start, to), column.length);
  const size = column.BYTES_PER_ELEMENT;
  hash.update(`${stop - start}\u0000`);
  hash.update(new Uint8Array(column.buffer, column.byteOffset + start * size, (stop - start) * size));
}

/**
 * Every fund's days of one ISO week, with its ticker, in ticker order as the page gets them
 * (model.fundFlowsInWeek): a restatement that swaps two funds' AUM ranks changes no week.
 */
function fundWeeksHash(model: Model, label: string): string {
  const monday = toDayNumber(isoWeekMonday(label));
  const hash = createHash("sha256");
  for (const fund of model.fundsByTicker) {
    const digest = weekDigest(model.fundHistory(fund.ticker), monday);
    if (digest === undefined) continue;
    hash.update(`${fund.ticker}\u0000`);
    hash.update(digest);
  }
  return hash.digest("hex");
}

/**
 * Everything a flow table's year shows (page and CSV, in dollars or coins): its columns (the funds
 * in order, the groups), each fund's days of the year (state, flow, price, AUM, coins, the
 * cumulative flow), for coins every flow and price since listing (the cumulative coins), the year's
 * restatements, the funds awaited on its days, the other years (the pager), the report date.
 */
export function flowYearFingerprint(model: Model, scope: FlowScope, year: string, unit: FlowUnit): string {
  // Asked by a year's page, its CSV and the index pages.
  return once(model, `flow-year\u0000${scope.slug}\u0000${year}\u0000${unit}`, () =>
    computeFlowYearFingerprint(model, scope, year, unit),
  );
}

function computeFlowYearFingerprint(model: Model, scope: FlowScope, year: string, unit: FlowUnit): string {
  const funds = scope.funds.filter((fund) => inYear(fund, year));
  const first = toDayNumber(`${year}-01-01`);
  const end = toDayNumber(`${year}-12-31`) + 1;
  // One hash over every fund's columns: a thousand funds are a thousand pieces each, not a hash each.
  const columns = createHash("sha256");
  const perFund = funds.map((fund) => {
    const history = model.fundHistory(fund.ticker);
    const offset = history.day[0] ?? 0;
    const [from, to] = [first - offset, end - offset];
    const since = unit === "coins" ? 0 : from;
    addColumn(columns, history.state, from, to);
    addColumn(columns, history.flow, since, to);
    addColumn(columns, history.price, since, to);
    addColumn(columns, history.aum, from, to);
    addColumn(columns, history.units, from, to);
    addColumn(columns, history.cumulative, from, to);
    return [
      fund.ticker,
      fund.asset,
      fund.listed_on,
      fund.delisted_on,
      history.day[0] ?? null,
      history.length,
      model
        .revisionsOfFund(fund.ticker)
        .filter((row) => row.entity === "flow" && factDateOf(row)?.startsWith(year)),
    ];
  });
  return hash([
    scope.slug,
    scope.symbol,
    scope.name,
    scope.years,
    year,
    unit,
    flowColumns(model, scope, funds),
    model.assets.map((asset) => [asset.symbol, asset.name, asset.decimals]),
    perFund,
    columns.digest("hex"),
    model.data.export.summary.missing.filter((missing) => missing.date.startsWith(year)),
    model.data.export.summary.provisional_dates.filter((date) => date.startsWith(year)),
    model.reportDate,
  ]);
}

/**
 * Everything a flow table's index page shows: the table (its name, its years) and each year's table
 * in US$, its last two weeks and every year's total.
 */
export function flowIndexFingerprint(model: Model, scope: FlowScope): string {
  return hash([
    scope.slug,
    scope.symbol,
    scope.name,
    scope.coins,
    scope.years,
    scope.years.map((year) => flowYearFingerprint(model, scope, year, "usd")),
  ]);
}
