// The indexes buildModel (model.ts) makes over the loaded data, and the small caches it keeps them in:
// the aggregates by group and period, the dates that hold provisional or missing fund-days, the
// revisions by subject, and one ISO week of every fund.
import { isoWeekMonday, toDayNumber } from "../../../shared/dates.ts";
import {
  type AggregateRow,
  type FundSummary,
  GROUP_BYS,
  type GroupBy,
  type RevisionRow,
} from "../../../shared/export.ts";
import type { SiteData } from "./data.ts";
import { type FundHistory, seenAt, stateAt, subjectOf } from "./history.ts";
import type { PeriodName } from "./model.ts";
import { type DateFlags, fundDaySlices, rollUp, type Slice } from "./slices.ts";
import { weekRows } from "./week-digests.ts";

/** Like memo, but keeps only the `size` most recently used answers. */
export function recent<K, V>(compute: (key: K) => V, size: number): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    const value = cache.has(key) ? (cache.get(key) as V) : compute(key);
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > size) cache.delete(cache.keys().next().value as K);
    return value;
  };
}

export function memo<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key) as V;
  };
}

/** Map.groupBy, which the scripts' TypeScript target (ES2023) does not know yet. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function groupFunds<T extends FundSummary>(funds: T[], keyOf: (fund: T) => string): [string, T[]][] {
  return [...groupBy(funds, keyOf)];
}

/**
 * A group's rows by period kind, oldest first. Periods before any fund of the group listed (GBTC's and
 * ETHE's days as trusts, which open the record on 31 Dec 2023) are left out: they are no part of the
 * funds' story, and would put an empty "2023-12" at the start of every chart and table.
 */
export function indexAggregates(aggregates: Record<PeriodName, AggregateRow[]>): Map<string, AggregateRow[]> {
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
export function keyOfFund(fund: FundSummary, by: GroupBy): string | null {
  return by === "total" ? "all" : by === "asset" ? fund.asset : fund[by];
}

/**
 * Which dates of which group hold provisional fund-days, and which funds of the group are missing
 * on a date (from the summary's list). Only the few dates the summary names are looked at, each by
 * direct index into the fund's rows (rows run one per calendar day).
 */
export function dateFlags(data: SiteData, fundByTicker: Map<string, FundSummary>) {
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

const ISO_WEEK = /^\d{4}-W\d{2}$/;

/** Each fund's slice of one ISO week ("2024-W02"), in the order of `funds`; funds not listed in it have none. */
export function fundsInWeek(funds: FundSummary[], historyOf: (ticker: string) => FundHistory, label: string) {
  const list: { fund: FundSummary; slice: Slice }[] = [];
  // No week at all (a site with no data yet asks for its latest week, "") has no fund in it.
  if (!ISO_WEEK.test(label)) return list;
  const monday = toDayNumber(isoWeekMonday(label));
  for (const fund of funds) {
    const history = historyOf(fund.ticker);
    const rows = weekRows(history, monday);
    if (!rows) continue;
    const days = fundDaySlices(history, ...rows).filter((day) => day.status !== "not_listed");
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
export function indexRevisions(revisions: readonly RevisionRow[], funds: FundSummary[]) {
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
