// The tests' reference for group sums: every group's daily series built from fund histories with the
// engine's own exact addFundDay, one calendar day after another. The Worker keeps aggregate_days by
// SQL (recompute/aggregates.ts); tests compare what it stores, and the rollups, with this.
import { fromDayNumber, toDayNumber } from "../../../shared/dates.ts";
import type { Fund } from "../../../shared/domain.ts";
import {
  type AggregateDay,
  addFundDay,
  compareGroups,
  emptyAggregateDay,
  type Group,
  groupId,
  groupsOf,
} from "../../../shared/engine/aggregate.ts";
import type { FundDay } from "../../../shared/engine/types.ts";

export interface FundDays {
  fund: Fund;
  days: readonly FundDay[];
}

export interface AggregateSeries extends Group {
  /** Every calendar day from the group's first fund row to the last row of any fund, in order. */
  days: AggregateDay[];
}

/** Every group from scratch, over the span of the rows given. */
export function aggregateFundDays(funds: readonly FundDays[]): AggregateSeries[] {
  const dates = funds.flatMap(({ days }) => days.map((day) => toDayNumber(day.date)));
  if (dates.length === 0) return [];
  const to = Math.max(...dates);
  const series = new Map<string, { group: Group; first: number; byDay: Map<number, AggregateDay> }>();
  for (const { fund, days } of funds) {
    for (const group of groupsOf(fund)) {
      const id = groupId(group);
      const entry = series.get(id) ?? { group, first: Number.POSITIVE_INFINITY, byDay: new Map() };
      series.set(id, entry);
      for (const row of days) {
        const n = toDayNumber(row.date);
        entry.first = Math.min(entry.first, n);
        const day = entry.byDay.get(n) ?? emptyAggregateDay(group, row.date);
        entry.byDay.set(n, day);
        addFundDay(day, row, 1);
      }
    }
  }
  return [...series.values()]
    .map(({ group, first, byDay }) => {
      const days: AggregateDay[] = [];
      for (let n = first; n <= to; n++) days.push(byDay.get(n) ?? emptyAggregateDay(group, fromDayNumber(n)));
      return { ...group, days };
    })
    .sort(compareGroups);
}
