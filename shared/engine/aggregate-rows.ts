// GET /v1/aggregate's rows: each group's indicators over its whole history (windows and streaks need
// it), then the requested range, then the period rollup.
import type { AggregateRow, Period } from "../export.ts";
import { type AggregateDay, type Group, type GroupedFund, groupId, groupsOf } from "./aggregate.ts";
import { computeIndicators } from "./indicators.ts";
import { type AwaitedOn, rollup, toAggregateRow } from "./rollup.ts";
import { yearSpan } from "./year-pages.ts";

export interface RowRange {
  from?: string | undefined;
  to?: string | undefined;
}

export interface RowOptions extends RowRange {
  /** The funds each group awaits, by date; the rows name none without it. */
  awaiting?: AwaitingIndex | undefined;
}

/** One fund-day in state `missing`, with what decides the fund's groups. */
export interface AwaitedFundDay extends GroupedFund {
  fund: string;
  date: string;
}

/** Tickers awaited per group and date, each list sorted. */
export type AwaitingIndex = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/**
 * Missing fund-days are few (a day's stragglers, a publisher's gaps), so one read of them serves
 * every group's rows of a request.
 */
export function awaitingIndex(missing: readonly AwaitedFundDay[]): AwaitingIndex {
  const index = new Map<string, Map<string, string[]>>();
  for (const row of missing) {
    for (const group of groupsOf(row)) {
      const id = groupId(group);
      let byDate = index.get(id);
      if (!byDate) {
        byDate = new Map();
        index.set(id, byDate);
      }
      const funds = byDate.get(row.date);
      if (funds) funds.push(row.fund);
      else byDate.set(row.date, [row.fund]);
    }
  }
  for (const byDate of index.values()) for (const funds of byDate.values()) funds.sort();
  return index;
}

export function awaitedOf(index: AwaitingIndex | undefined, group: Group): AwaitedOn {
  const byDate = index?.get(groupId(group));
  return (date) => byDate?.get(date) ?? [];
}

export function aggregateRows(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  period: Period,
  options: RowOptions = {},
): AggregateRow[] {
  return aggregateRowsByPeriod(series, totals, [period], options)[period] ?? [];
}

/** The rows of several periods from one computation of each group's indicators. */
export function aggregateRowsByPeriod<P extends Period>(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  periods: readonly P[],
  options: RowOptions = {},
): Record<P, AggregateRow[]> {
  return rowsWithin(series, totals, periods, () => options, options.awaiting);
}

/**
 * The rows of the periods that belong to `year` (year-pages.ts), each period its own span of days: a
 * page of a read answered a year at a time. The series may end with the span; they must start with
 * the group's history, which the indicators need.
 */
export function aggregateRowsOfYear<P extends Period>(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  periods: readonly P[],
  year: number,
  awaiting?: AwaitingIndex,
): Record<P, AggregateRow[]> {
  return rowsWithin(series, totals, periods, (period) => yearSpan(year, period), awaiting);
}

function rowsWithin<P extends Period>(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  periods: readonly P[],
  rangeOf: (period: P) => RowRange,
  awaiting: AwaitingIndex | undefined,
): Record<P, AggregateRow[]> {
  const totalByDate = new Map(totals.map((day) => [day.date, day]));
  const rows = Object.fromEntries(periods.map((period) => [period, [] as AggregateRow[]])) as Record<
    P,
    AggregateRow[]
  >;
  for (const days of series) {
    if (!days[0]) continue;
    const awaitedOn = awaitedOf(awaiting, days[0]);
    const withIndicators = computeIndicators(days, (date) => totalByDate.get(date)).days;
    for (const period of periods) {
      const { from, to } = rangeOf(period);
      const inRange = withIndicators.filter(
        ({ day }) => (!from || day.date >= from) && (!to || day.date <= to),
      );
      rows[period].push(
        ...(period === "day"
          ? inRange.map(({ day, indicators }) => toAggregateRow(day, indicators, awaitedOn))
          : rollup(inRange, period, awaitedOn)),
      );
    }
  }
  return rows;
}
