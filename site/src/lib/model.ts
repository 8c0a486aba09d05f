// Indexes over the loaded data, built once per build and shared by every page, so that a page
// costs what it shows (one fund, one week) and never a scan of every fund's every day.
import { toDayNumber } from "../../../shared/dates.ts";
import type { AggregateRow, FundDayRow, FundSummary, GroupBy, RevisionRow } from "../../../shared/export.ts";
import { loadSiteData, type SiteData } from "./data.ts";
import { num } from "./format.ts";
import { exactRows, type FundHistory, stateAt, toHistory } from "./history.ts";
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

export interface Model {
  data: SiteData;
  reportDate: string | null;
  /** Funds by AUM, largest first. */
  funds: FundSummary[];
  fund: (ticker: string) => FundSummary | undefined;
  issuers: Issuer[];
  issuerOf: (name: string) => Issuer | undefined;
  assets: AssetInfo[];
  asset: (symbol: string) => AssetInfo | undefined;
  /** A group's slices over one period kind, oldest first ("total"/"all" is every fund). */
  group: (by: GroupBy, key: string, period: PeriodName) => Slice[];
  /** The raw aggregate rows behind `group`, for indicators (streak, breadth, regime). */
  groupRows: (by: GroupBy, key: string, period: PeriodName) => AggregateRow[];
  /** Every group's row for one period label ("2024-W02"), for week pages. */
  periodRows: (period: PeriodName, label: string) => AggregateRow[];
  fundDays: (ticker: string) => Slice[];
  fundPeriods: (ticker: string, period: "week" | "month") => Slice[];
  /** The API's exact rows, parsed again on each call: for pages that quote its decimal strings. */
  fundRows: (ticker: string) => readonly FundDayRow[];
  fundHistory: (ticker: string) => FundHistory;
  /** Each fund's flow in one ISO week, for week pages. */
  fundFlowsInWeek: (label: string) => { fund: FundSummary; slice: Slice }[];
  /** A fund's AUM as a share of all funds of its asset, per day. */
  fundShare: (ticker: string) => { date: string; share: number | null }[];
  revisionsOfFund: (ticker: string) => RevisionRow[];
  revisionsOfAsset: (symbol: string) => RevisionRow[];
  /** ISO weeks with a weekly report: those in which at least one fund was listed. */
  weeks: string[];
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
  const fundByTicker = new Map(funds.map((fund) => [fund.ticker, fund]));
  const issuers = groupFunds(funds, (fund) => fund.issuer).map(([name, members]) => ({
    slug: issuerSlug(name),
    name,
    funds: members,
    aum: members.reduce((sum, fund) => sum + aumOf(fund), 0),
  }));
  const issuerByName = new Map(issuers.map((issuer) => [issuer.name, issuer]));
  // Assets the API knows but no tracked fund holds yet (SOL, say) get no page until one does.
  const assets = doc.assets
    .map((asset) => {
      const members = funds.filter((fund) => fund.asset === asset.symbol);
      return { ...asset, funds: members, aum: members.reduce((sum, fund) => sum + aumOf(fund), 0) };
    })
    .filter((asset) => asset.funds.length > 0);

  const rowsByGroup = indexAggregates(doc.aggregates);
  const groupRows = (by: GroupBy, key: string, period: PeriodName) =>
    rowsByGroup.get(`${period}\u0000${by}\u0000${key}`) ?? [];
  const rowsByPeriod = groupBy(
    Object.values(doc.aggregates).flat(),
    (row) => `${row.period}\u0000${row.label}`,
  );
  const flags = dateFlags(data, fundByTicker);
  const group = memo((id: string) => {
    const [period, by, key] = id.split("\u0000") as [PeriodName, GroupBy, string];
    const groupFlags = flags(by, key);
    return groupRows(by, key, period).map((row) => groupSlice(row, groupFlags));
  });

  const fundHistory = (ticker: string) => data.daily.get(ticker) ?? NO_HISTORY;
  // Only the last few funds' days are kept: the pages being built now ask for them several times,
  // and keeping every fund's would hold millions of objects for the whole build.
  const fundDays = recent((ticker: string) => fundDaySlices(fundHistory(ticker)), 8);
  const fundWeeks = memo((ticker: string) => rollUp(fundDays(ticker), "week"));
  const fundMonths = memo((ticker: string) => rollUp(fundDays(ticker), "month"));
  const weekIndex = memo(() => weeklyIndex(funds, fundWeeks));
  const assetAumByDate = memo((symbol: string) => {
    const rows = groupRows("asset", symbol, "day");
    return new Map(rows.map((row) => [row.start, num(row.aum_usd) ?? 0]));
  });
  const revisions = indexRevisions(data.revisions, funds);

  return {
    data,
    reportDate: doc.summary.report_date,
    funds,
    fund: (ticker) => fundByTicker.get(ticker),
    issuers: issuers.sort((a, b) => b.aum - a.aum),
    issuerOf: (name) => issuerByName.get(name),
    assets,
    asset: (symbol) => assets.find((asset) => asset.symbol === symbol),
    group: (by, key, period) => group(`${period}\u0000${by}\u0000${key}`),
    groupRows,
    periodRows: (period, label) => rowsByPeriod.get(`${period}\u0000${label}`) ?? [],
    fundDays,
    fundPeriods: (ticker, period) => (period === "week" ? fundWeeks(ticker) : fundMonths(ticker)),
    fundRows: (ticker) => exactRows(fundHistory(ticker)),
    fundHistory,
    fundFlowsInWeek: (label) => weekIndex(undefined).get(label) ?? [],
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
  };
}

function groupFunds(funds: FundSummary[], keyOf: (fund: FundSummary) => string): [string, FundSummary[]][] {
  return [...groupBy(funds, keyOf)];
}

function indexAggregates(aggregates: Record<PeriodName, AggregateRow[]>): Map<string, AggregateRow[]> {
  const index = new Map<string, AggregateRow[]>();
  for (const rows of Object.values(aggregates)) {
    for (const row of rows) {
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

const GROUPINGS: GroupBy[] = ["total", "asset", "issuer", "country", "vehicle"];

function keyOfFund(fund: FundSummary, by: GroupBy): string {
  return by === "total" ? "all" : by === "asset" ? fund.asset : fund[by];
}

/**
 * Which dates of which group hold provisional or missing fund-days. Only the few dates the summary
 * names are looked at, each by direct index into the fund's rows (rows run one per calendar day).
 */
function dateFlags(data: SiteData, fundByTicker: Map<string, FundSummary>) {
  const provisional = new Map<string, string[]>();
  const missing = new Map<string, string[]>();
  const mark = (index: Map<string, string[]>, fund: FundSummary, date: string) => {
    for (const by of GROUPINGS) {
      const id = `${by}\u0000${keyOfFund(fund, by)}`;
      const dates = index.get(id) ?? [];
      if (!dates.includes(date)) dates.push(date);
      index.set(id, dates);
    }
  };
  for (const { fund, date } of data.export.summary.missing) {
    const summary = fundByTicker.get(fund);
    if (summary) mark(missing, summary, date);
  }
  for (const date of data.export.summary.provisional_dates) {
    const day = toDayNumber(date);
    for (const [ticker, history] of data.daily) {
      const i = day - (history.day[0] ?? 0);
      const fund = fundByTicker.get(ticker);
      if (history.day[i] === day && stateAt(history, i) === "provisional" && fund)
        mark(provisional, fund, date);
    }
  }
  const within = (dates: string[] | undefined, start: string, end: string) =>
    dates?.some((date) => date >= start && date <= end) ?? false;
  return (by: GroupBy, key: string): DateFlags => {
    const id = `${by}\u0000${key}`;
    return {
      provisional: (start, end) => within(provisional.get(id), start, end),
      missing: (start, end) => within(missing.get(id), start, end),
    };
  };
}

function weeklyIndex(funds: FundSummary[], weeksOf: (ticker: string) => Slice[]) {
  const index = new Map<string, { fund: FundSummary; slice: Slice }[]>();
  for (const fund of funds) {
    for (const slice of weeksOf(fund.ticker)) {
      const list = index.get(slice.label) ?? [];
      list.push({ fund, slice });
      index.set(slice.label, list);
    }
  }
  return index;
}

/**
 * Revision keys name their fund or asset among other parts ("IBIT|2024-01-11|farside"), so a
 * revision belongs to every fund whose ticker is one of its key's parts or appears in its values.
 * Price revisions belong to assets only: a fund may share its ticker with an asset (BTC).
 */
function indexRevisions(revisions: readonly RevisionRow[], funds: FundSummary[]) {
  const byFund = new Map<string, RevisionRow[]>();
  const byAsset = new Map<string, RevisionRow[]>();
  const tickers = new Set(funds.map((fund) => fund.ticker));
  const add = (index: Map<string, RevisionRow[]>, key: string, row: RevisionRow) => {
    const list = index.get(key) ?? [];
    list.push(row);
    index.set(key, list);
  };
  for (const row of [...revisions].sort((a, b) => b.recorded_at.localeCompare(a.recorded_at))) {
    const parts = new Set(row.key.split(/[^A-Za-z0-9.\-_]+/).filter(Boolean));
    if (row.entity === "price") {
      for (const part of parts) add(byAsset, part, row);
      continue;
    }
    const values = `${JSON.stringify(row.old_value)} ${JSON.stringify(row.new_value)}`;
    for (const [, text = ""] of values.matchAll(/"([^"]*)"/g)) parts.add(text);
    for (const part of parts) if (tickers.has(part)) add(byFund, part, row);
  }
  return { byFund, byAsset };
}
