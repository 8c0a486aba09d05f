// Indexes over the loaded data, built once per build and shared by every page, so that a page
// costs what it shows (one fund, one week) and never a scan of every fund's every day.
import { isoWeekMonday, toDayNumber } from "../../../shared/dates.ts";
import {
  type AggregateRow,
  type FundDayRow,
  type FundSummary,
  GROUP_BYS,
  type GroupBy,
  type RevisionRow,
} from "../../../shared/export.ts";
import {
  type Completeness,
  type CompleteRow,
  type CompleteSummary,
  completenessOf,
  type DayCompleteness,
  lastComplete,
} from "./completeness.ts";
import { loadSiteData, type SiteData } from "./data.ts";
import { eventsOf, type FundEvent } from "./events.ts";
import { num } from "./format.ts";
import { exactRows, type FundHistory, seenAt, stateAt, subjectOf, toHistory } from "./history.ts";
import { type DateFlags, fundDaySlices, groupSlice, rollUp, type Slice } from "./slices.ts";

export interface Issuer {
  slug: string;
  name: string;
  funds: FundSummary[];
  aum: number;
}

export interface AssetInfo {
  symbol: string;
  name: string;
  decimals: number;
  funds: FundSummary[];
  aum: number;
}

type PeriodName = "day" | "week" | "month" | "ytd";

/** The day the headline figures are of, and how far the report date has got. */
export interface Headline {
  /** The last day every fund has reported; null before there is one. */
  date: string | null;
  /** All funds' aggregate row of that day. */
  row: CompleteRow | undefined;
  reportDate: string | null;
  /** The report date's completeness, for all funds. */
  report: DayCompleteness;
}

export interface Model {
  data: SiteData;
  summary: CompleteSummary;
  reportDate: string | null;
  /** Funds by AUM, largest first. */
  funds: FundSummary[];
  /** Every fund in ticker order: for lists and fingerprints that must not move when AUM ranks do. */
  fundsByTicker: FundSummary[];
  fund: (ticker: string) => FundSummary | undefined;
  /** Issuers by AUM; funds with no published issuer belong to none (see fundsWithoutIssuer). */
  issuers: Issuer[];
  issuerOf: (name: string) => Issuer | undefined;
  /** Funds whose issuer is not known: they count in their asset and the total, and on no issuer page. */
  fundsWithoutIssuer: FundSummary[];
  /** Every asset the API knows, BTC, ETH, SOL, each with its page (funds or not). */
  assets: AssetInfo[];
  asset: (symbol: string) => AssetInfo | undefined;
  /** A group's slices over one period kind, oldest first ("total"/"all" is every fund). */
  group: (by: GroupBy, key: string, period: PeriodName) => Slice[];
  /** The raw aggregate rows behind `group`, for indicators (streak, breadth, regime). */
  groupRows: (by: GroupBy, key: string, period: PeriodName) => CompleteRow[];
  /** A group's slice of one period label ("2026-08-20", "2026-W34"). */
  groupAt: (by: GroupBy, key: string, period: PeriodName, label: string) => Slice | undefined;
  /** A group's row of one period label ("2026-08-20", "2026-W34"). */
  groupRow: (by: GroupBy, key: string, period: PeriodName, label: string) => CompleteRow | undefined;
  /** How complete a group's row is: the API's word, or worked out from the missing fund-days. */
  completeness: (row: CompleteRow) => DayCompleteness;
  /** A group's last day that every one of its funds has reported. */
  lastCompleteDay: (by: GroupBy, key: string) => CompleteRow | undefined;
  headline: Headline;
  /** Every group's row for one period label ("2024-W02"), for week pages. */
  periodRows: (period: PeriodName, label: string) => AggregateRow[];
  fundDays: (ticker: string) => Slice[];
  fundPeriods: (ticker: string, period: "week" | "month") => Slice[];
  /** The API's exact rows, parsed again on each call: for pages that quote its decimal strings. */
  fundRows: (ticker: string) => readonly FundDayRow[];
  fundHistory: (ticker: string) => FundHistory;
  /** Each fund's flow in one ISO week, for week pages, in ticker order. */
  fundFlowsInWeek: (label: string) => { fund: FundSummary; slice: Slice }[];
  /** A fund's AUM as a share of all funds of its asset, per day. */
  fundShare: (ticker: string) => { date: string; share: number | null }[];
  revisionsOfFund: (ticker: string) => RevisionRow[];
  revisionsOfAsset: (symbol: string) => RevisionRow[];
  /** ISO weeks with a weekly report: those in which at least one fund was listed. */
  weeks: string[];
  /** Corporate actions on record (spin-offs, ticker and fee changes, distributions, seeds), by date. */
  events: FundEvent[];
}

const models = new WeakMap<SiteData, Model>();

/** The model of the current build's data, built once per build. */
export async function loadModel(): Promise<Model> {
  const data = await loadSiteData();
  let model = models.get(data);
  if (!model) {
    model = buildModel(data);
    models.set(data, model);
  }
  return model;
}

export function issuerSlug(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

const NO_HISTORY = toHistory([]);

/** Like memo, but keeps only the `size` most recently used answers. */
function recent<K, V>(compute: (key: K) => V, size: number): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    const value = cache.has(key) ? (cache.get(key) as V) : compute(key);
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > size) cache.delete(cache.keys().next().value as K);
    return value;
  };
}

function memo<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key) as V;
  };
}

/** Map.groupBy, which the scripts' TypeScript target (ES2023) does not know yet. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

const aumOf = (fund: FundSummary) => num(fund.latest?.aum_usd) ?? 0;

function buildModel(data: SiteData): Model {
  const doc = data.export;
  const funds = [...doc.funds].sort((a, b) => aumOf(b) - aumOf(a) || a.ticker.localeCompare(b.ticker));
  const fundsByTicker = [...doc.funds].sort((a, b) => a.ticker.localeCompare(b.ticker));
  const fundByTicker = new Map(funds.map((fund) => [fund.ticker, fund]));
  // A fund whose issuer is not known is on no issuer page: a group "issuer not known" would read as
  // an issuer, and the API sums such funds into no issuer group either.
  const fundsWithoutIssuer = funds.filter((fund) => fund.issuer === null);
  const withIssuer = funds.filter((fund): fund is FundSummary & { issuer: string } => fund.issuer !== null);
  const issuers = groupFunds(withIssuer, (fund) => fund.issuer).map(([name, members]) => ({
    slug: issuerSlug(name),
    name,
    funds: members,
    aum: members.reduce((sum, fund) => sum + aumOf(fund), 0),
  }));
  const issuerByName = new Map(issuers.map((issuer) => [issuer.name, issuer]));
  // Every asset has its page; one no tracked fund holds yet says so.
  const assets = doc.assets.map((asset) => {
    const members = funds.filter((fund) => fund.asset === asset.symbol);
    return { ...asset, funds: members, aum: members.reduce((sum, fund) => sum + aumOf(fund), 0) };
  });

  const rowsByGroup = indexAggregates(doc.aggregates);
  const groupRows = (by: GroupBy, key: string, period: PeriodName): CompleteRow[] =>
    rowsByGroup.get(`${period}\u0000${by}\u0000${key}`) ?? [];
  const rowsByLabel = memo(
    (id: string) => new Map((rowsByGroup.get(id) ?? []).map((row) => [row.label, row] as const)),
  );
  const rowsByPeriod = groupBy(
    Object.values(doc.aggregates).flat(),
    (row) => `${row.period}\u0000${row.label}`,
  );
  const flags = dateFlags(data, fundByTicker);
  const completeness = (row: CompleteRow) =>
    completenessOf(row, flags(row.by, row.key).awaiting?.(row.start, row.end) ?? []);
  const lastCompleteDay = memo((id: string) => {
    const [by, key] = id.split("\u0000") as [GroupBy, string];
    return lastComplete(groupRows(by, key, "day"), (row) => completeness(row).completeness);
  });
  const summary = doc.summary as CompleteSummary;
  const totalDays = groupRows("total", "all", "day");
  const reportRow = totalDays.findLast((row) => row.start === summary.report_date);
  // The API's headline date when it gives one, else the last day the rows show complete.
  const headlineDate =
    summary.headline_date !== undefined
      ? summary.headline_date
      : (lastCompleteDay(`total\u0000all`)?.start ?? null);
  const headline: Headline = {
    date: headlineDate,
    row: headlineDate === null ? undefined : rowsByLabel(`day\u0000total\u0000all`).get(headlineDate),
    reportDate: summary.report_date,
    report:
      summary.report_date_completeness !== undefined
        ? {
            completeness: summary.report_date_completeness as Completeness,
            awaiting: summary.report_date_awaiting ?? [],
          }
        : reportRow
          ? completeness(reportRow)
          : { completeness: null, awaiting: [] },
  };
  const group = memo((id: string) => {
    const [period, by, key] = id.split("\u0000") as [PeriodName, GroupBy, string];
    const groupFlags = flags(by, key);
    return groupRows(by, key, period).map((row) => groupSlice(row, groupFlags));
  });

  const slicesByLabel = memo(
    (id: string) => new Map(group(id).map((slice) => [slice.label, slice] as const)),
  );

  const fundHistory = (ticker: string) => data.daily.get(ticker) ?? NO_HISTORY;
  // Only the last few funds' days are kept: the pages being built now ask for them several times,
  // and keeping every fund's would hold millions of objects for the whole build.
  // A fund's days before its listing (a trust's, before it became an ETF) are no part of its pages.
  const fundDays = recent(
    (ticker: string) => fundDaySlices(fundHistory(ticker)).filter((day) => day.status !== "not_listed"),
    8,
  );
  const fundWeeks = memo((ticker: string) => rollUp(fundDays(ticker), "week"));
  const fundMonths = memo((ticker: string) => rollUp(fundDays(ticker), "month"));
  // A week page reads each fund's seven days only: never every fund's every week.
  const flowsInWeek = recent((label: string) => fundsInWeek(fundsByTicker, fundHistory, label), 4);
  const assetAumByDate = memo((symbol: string) => {
    const rows = groupRows("asset", symbol, "day");
    return new Map(rows.map((row) => [row.start, num(row.aum_usd) ?? 0]));
  });
  const revisions = indexRevisions(data.revisions, funds);

  return {
    data,
    summary,
    reportDate: doc.summary.report_date,
    funds,
    fundsByTicker,
    fund: (ticker) => fundByTicker.get(ticker),
    issuers: issuers.sort((a, b) => b.aum - a.aum),
    issuerOf: (name) => issuerByName.get(name),
    fundsWithoutIssuer,
    assets,
    asset: (symbol) => assets.find((asset) => asset.symbol === symbol),
    group: (by, key, period) => group(`${period}\u0000${by}\u0000${key}`),
    groupAt: (by, key, period, label) => slicesByLabel(`${period}\u0000${by}\u0000${key}`).get(label),
    groupRows,
    groupRow: (by, key, period, label) => rowsByLabel(`${period}\u0000${by}\u0000${key}`).get(label),
    completeness,
    lastCompleteDay: (by, key) => lastCompleteDay(`${by}\u0000${key}`),
    headline,
    periodRows: (period, label) => rowsByPeriod.get(`${period}\u0000${label}`) ?? [],
    fundDays,
    fundPeriods: (ticker, period) => (period === "week" ? fundWeeks(ticker) : fundMonths(ticker)),
    fundRows: (ticker) => exactRows(fundHistory(ticker)),
    fundHistory,
    fundFlowsInWeek: flowsInWeek,
    fundShare: (ticker) => {
      const fund = fundByTicker.get(ticker);
      const totals = assetAumByDate(fund?.asset ?? "");
      return fundDays(ticker).map((day) => {
        const total = totals.get(day.start) ?? 0;
        return { date: day.start, share: total > 0 ? day.aum / total : null };
      });
    },
    revisionsOfFund: (ticker) => revisions.byFund.get(ticker) ?? [],
    revisionsOfAsset: (symbol) => revisions.byAsset.get(symbol) ?? [],
    // A week before any fund listed (GBTC's days as a trust) has nothing to report on.
    weeks: groupRows("total", "all", "week")
      .filter((row) => row.funds_listed > 0)
      .map((row) => row.label),
    events: eventsOf(data.events ?? []),
  };
}

function groupFunds<T extends FundSummary>(funds: T[], keyOf: (fund: T) => string): [string, T[]][] {
  return [...groupBy(funds, keyOf)];
}

/**
 * A group's rows by period kind, oldest first. Periods before any fund of the group listed (GBTC's and
 * ETHE's days as trusts, which open the record on 31 Dec 2023) are left out: they are no part of the
 * funds' story, and would put an empty "2023-12" at the start of every chart and table.
 */
function indexAggregates(aggregates: Record<PeriodName, AggregateRow[]>): Map<string, AggregateRow[]> {
  const index = new Map<string, AggregateRow[]>();
  for (const rows of Object.values(aggregates)) {
    for (const row of rows) {
      if (row.funds_listed === 0) continue;
      const id = `${row.period}\u0000${row.by}\u0000${row.key}`;
      const list = index.get(id);
      if (list) list.push(row);
      else index.set(id, [row]);
    }
  }
  for (const list of index.values())
    list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return index;
}

/** The group of a fund; null where its issuer or vehicle is not known (it is in no such group). */
function keyOfFund(fund: FundSummary, by: GroupBy): string | null {
  return by === "total" ? "all" : by === "asset" ? fund.asset : fund[by];
}

/**
 * Which dates of which group hold provisional fund-days, and which funds of the group are missing
 * on a date (from the summary's list). Only the few dates the summary names are looked at, each by
 * direct index into the fund's rows (rows run one per calendar day).
 */
function dateFlags(data: SiteData, fundByTicker: Map<string, FundSummary>) {
  const provisional = new Map<string, string[]>();
  const missing = new Map<string, { date: string; fund: string }[]>();
  const groupsOf = (fund: FundSummary) =>
    GROUP_BYS.flatMap((by) => {
      const key = keyOfFund(fund, by);
      return key === null ? [] : [`${by}\u0000${key}`];
    });
  for (const { fund, date } of data.export.summary.missing) {
    const summary = fundByTicker.get(fund);
    if (!summary) continue;
    for (const id of groupsOf(summary)) missing.set(id, [...(missing.get(id) ?? []), { date, fund }]);
  }
  for (const date of data.export.summary.provisional_dates) {
    const day = toDayNumber(date);
    for (const [ticker, history] of data.daily) {
      const i = day - (history.day[0] ?? 0);
      const fund = fundByTicker.get(ticker);
      if (!(history.day[i] === day && stateAt(history, i) === "provisional" && fund)) continue;
      for (const id of groupsOf(fund)) {
        const dates = provisional.get(id) ?? [];
        if (!dates.includes(date)) dates.push(date);
        provisional.set(id, dates);
      }
    }
  }
  const NONE: readonly string[] = [];
  return (by: GroupBy, key: string): DateFlags => {
    const id = `${by}\u0000${key}`;
    return {
      provisional: (start, end) => provisional.get(id)?.some((date) => date >= start && date <= end) ?? false,
      awaiting: (start, end) => {
        const found = missing.get(id)?.filter((m) => m.date >= start && m.date <= end);
        return found && found.length > 0 ? [...new Set(found.map((m) => m.fund))] : NONE;
      },
    };
  };
}

/** Each fund's slice of one ISO week ("2024-W02"), in the order of `funds`; funds not listed in it have none. */
function fundsInWeek(funds: FundSummary[], historyOf: (ticker: string) => FundHistory, label: string) {
  const monday = toDayNumber(isoWeekMonday(label));
  const list: { fund: FundSummary; slice: Slice }[] = [];
  for (const fund of funds) {
    const history = historyOf(fund.ticker);
    const first = history.day[0];
    if (first === undefined) continue;
    const from = Math.max(0, monday - first);
    const to = Math.min(history.length, monday + 7 - first);
    if (from >= to) continue;
    const days = fundDaySlices(history, from, to).filter((day) => day.status !== "not_listed");
    const [slice] = rollUp(days, "week");
    if (slice) list.push({ fund, slice });
  }
  return list;
}

/**
 * Each revision belongs to its subject: the fund of a flow, holding, event or metadata change, the
 * asset of a price (a fund may share its ticker with an asset, BTC, so the two are kept apart). A
 * transfer also belongs to the fund it went to. Newest first, by when the public saw the value.
 */
function indexRevisions(revisions: readonly RevisionRow[], funds: FundSummary[]) {
  const byFund = new Map<string, RevisionRow[]>();
  const byAsset = new Map<string, RevisionRow[]>();
  const tickers = new Set(funds.map((fund) => fund.ticker));
  const add = (index: Map<string, RevisionRow[]>, key: string, row: RevisionRow) => {
    const list = index.get(key) ?? [];
    if (!list.includes(row)) list.push(row);
    index.set(key, list);
  };
  const newestFirst = [...revisions].sort((a, b) => seenAt(b).localeCompare(seenAt(a)) || b.id - a.id);
  for (const row of newestFirst) {
    const subject = subjectOf(row);
    if (subject === undefined) continue;
    if (row.entity === "price") {
      add(byAsset, subject, row);
      continue;
    }
    if (tickers.has(subject)) add(byFund, subject, row);
    const to = (row.new_value as { to_fund?: unknown } | null)?.to_fund;
    if (row.entity === "event" && typeof to === "string" && tickers.has(to)) add(byFund, to, row);
  }
  return { byFund, byAsset };
}
