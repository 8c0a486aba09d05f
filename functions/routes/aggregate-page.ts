// Which year of GET /v1/aggregate one request answers, and its rows: the reads the route and the
// MCP tool share. Each group's indicators still start from its first day; only the rows are paged.
import { addDays, earlierDate } from "../../shared/dates.ts";
import { aggregateRows, awaitingIndex } from "../../shared/engine/aggregate-rows.ts";
import { periodYear, yearSpan } from "../../shared/engine/year-pages.ts";
import type { AggregateRow, GroupBy, Period } from "../../shared/export.ts";
import { eachGroupDays, firstGroupDay, groupKeys, readAwaited, readGroupDays } from "../db/aggregates.ts";

export interface AggregateQuery {
  by: GroupBy;
  key?: string | undefined;
  period: Period;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AggregatePage {
  /** The days whose periods the page holds; null when no requested group has a day up to `to`. */
  days: { from: string; to: string } | null;
  /** `from` of the next page: the first day of the next year with rows up to `to`; null on the last. */
  nextFrom: string | null;
  keys: string[];
}

const LAST_DAY = "9999-12-31";

/**
 * The page of the year of `from` (without `from`, of the first year with rows), up to `to`. A range
 * inside one year is answered as it always was, on one page.
 */
export async function planAggregatePage(db: D1Database, query: AggregateQuery): Promise<AggregatePage> {
  const keys = await groupKeys(db, query.by, query.key);
  const end = query.to ?? LAST_DAY;
  const start = query.from ?? (await firstGroupDay(db, query.by, keys, { from: "0000-01-01", to: end }));
  if (start === null) return { days: null, nextFrom: null, keys };
  const span = yearSpan(periodYear(start, query.period), query.period);
  const days = { from: start, to: earlierDate(span.to, end) };
  const following =
    span.to < end ? await firstGroupDay(db, query.by, keys, { from: addDays(span.to, 1), to: end }) : null;
  const nextFrom = following && yearSpan(periodYear(following, query.period), query.period).from;
  return { days, nextFrom, keys };
}

/**
 * The page's rows, one group at a time, in order. Days after the page are not read: the indicators
 * of a day depend only on the days before it.
 */
export async function* aggregatePageRows(
  db: D1Database,
  query: AggregateQuery,
  page: AggregatePage,
): AsyncGenerator<AggregateRow[]> {
  const days = page.days;
  if (days === null) return;
  const [totals, awaited] = await Promise.all([
    readGroupDays(db, "total", undefined, days.to),
    readAwaited(db, days),
  ]);
  const options = { ...days, awaiting: awaitingIndex(awaited) };
  const groups = eachGroupDays(db, query.by, totals, { keys: page.keys, through: days.to });
  for await (const series of groups) yield aggregateRows([series], totals, query.period, options);
}
