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
  const totalByDate = new Map(totals.map((day) => [day.date, day]));
  return series.flatMap((days) => {
    const inRange = computeIndicators(days, (date) => totalByDate.get(date)).days.filter(
      ({ day }) => (!range.from || day.date >= range.from) && (!range.to || day.date <= range.to),
    );
    if (period === "day") return inRange.map(({ day, indicators }) => toAggregateRow(day, indicators));
    return rollup(inRange, period);
  });
}
