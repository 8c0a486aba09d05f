// GET /v1/aggregate's rows: each group's indicators over its whole history (windows and streaks need
// it), then the requested range, then the period rollup.
import type { AggregateRow, Period } from "../export.ts";
import type { AggregateDay } from "./aggregate.ts";
import { computeIndicators } from "./indicators.ts";
import { rollup, toAggregateRow } from "./rollup.ts";

export interface RowRange {
  from?: string | undefined;
  to?: string | undefined;
}

export function aggregateRows(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  period: Period,
  range: RowRange = {},
): AggregateRow[] {
  return aggregateRowsByPeriod(series, totals, [period], range)[period] ?? [];
}

/** The rows of several periods from one computation of each group's indicators. */
export function aggregateRowsByPeriod<P extends Period>(
  series: readonly (readonly AggregateDay[])[],
  totals: readonly AggregateDay[],
  periods: readonly P[],
  range: RowRange = {},
): Record<P, AggregateRow[]> {
  const totalByDate = new Map(totals.map((day) => [day.date, day]));
  const rows = Object.fromEntries(periods.map((period) => [period, [] as AggregateRow[]])) as Record<
    P,
    AggregateRow[]
  >;
  for (const days of series) {
    const inRange = computeIndicators(days, (date) => totalByDate.get(date)).days.filter(
      ({ day }) => (!range.from || day.date >= range.from) && (!range.to || day.date <= range.to),
    );
    for (const period of periods) {
      rows[period].push(
        ...(period === "day"
          ? inRange.map(({ day, indicators }) => toAggregateRow(day, indicators))
          : rollup(inRange, period)),
      );
    }
  }
  return rows;
}
