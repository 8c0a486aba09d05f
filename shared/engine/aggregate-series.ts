// Builds every group's daily series from fund histories, one fund at a time: a rebuild can stream
// funds from the database without holding every fund's rows at once (a Worker has 128 MB).
import { fromDayNumber, toDayNumber } from "../dates.ts";
import type { Fund } from "../domain.ts";
import { type AggregateDay, addFundDay, compareGroups, type Group, groupId, groupsOf } from "./aggregate.ts";
import { addFundDayAt, createDayColumns, type DayColumns, magnitudeOf, readDay } from "./day-columns.ts";
import type { FundDay } from "./types.ts";

export interface FundDays {
  fund: Fund;
  days: readonly FundDay[];
}

export interface AggregateSeries extends Group {
  /** Every calendar day from the group's first fund row to the end of the range, in order. */
  days: AggregateDay[];
}

interface GroupSeries {
  group: Group;
  /** Day number of the earliest fund row added; the series is trimmed to start there. */
  first: number;
  /** Sums while they provably fit in int64 (see day-columns.ts), else exact objects. */
  sums: DayColumns | AggregateDay[];
}

/** Int64 columns are used while the funds' largest amounts, added up, stay below this. */
const COLUMN_LIMIT = 2n ** 62n;

export interface AggregateBuilder {
  from: number;
  to: number;
  groups: Map<string, GroupSeries>;
  /** Sum over the funds added of their largest |amount|: a bound on every group's every sum. */
  magnitude: bigint;
  /** Every fund repeats the same few thousand dates; a lookup is cheaper than parsing each. */
  dayNumbers: Map<string, number>;
}

/** Series over from..to inclusive; fund rows outside it are skipped, so a window can be rebuilt alone. */
export function startAggregates(from: string, to: string): AggregateBuilder {
  return {
    from: toDayNumber(from),
    to: toDayNumber(to),
    groups: new Map(),
    magnitude: 0n,
    dayNumbers: new Map(),
  };
}

export function addFundHistory(builder: AggregateBuilder, fund: Fund, days: readonly FundDay[]): void {
  builder.magnitude += magnitudeOf(days);
  if (!fitsInColumns(builder)) for (const series of builder.groups.values()) toObjects(builder, series);
  const targets = groupsOf(fund).map((group) => seriesOf(builder, group));
  for (const row of days) {
    const n = dayNumberOf(builder, row.date);
    if (n < builder.from || n > builder.to) continue;
    for (const target of targets) {
      if (n < target.first) target.first = n;
      const { sums } = target;
      if (Array.isArray(sums)) addFundDay(sums[n - builder.from] as AggregateDay, row, 1);
      else addFundDayAt(sums, n - builder.from, row);
    }
  }
}

function fitsInColumns(builder: AggregateBuilder): boolean {
  return builder.magnitude < COLUMN_LIMIT;
}

function dayNumberOf(builder: AggregateBuilder, date: string): number {
  let n = builder.dayNumbers.get(date);
  if (n === undefined) {
    n = toDayNumber(date);
    builder.dayNumbers.set(date, n);
  }
  return n;
}

function seriesOf(builder: AggregateBuilder, group: Group): GroupSeries {
  const id = groupId(group);
  let series = builder.groups.get(id);
  if (!series) {
    const length = Math.max(0, builder.to - builder.from + 1);
    series = { group, first: Number.POSITIVE_INFINITY, sums: createDayColumns(length) };
    if (!fitsInColumns(builder)) toObjects(builder, series);
    builder.groups.set(id, series);
  }
  return series;
}

/** Moves a series out of its columns into AggregateDay objects (done once, at the end or on overflow). */
function toObjects(builder: AggregateBuilder, series: GroupSeries): AggregateDay[] {
  const { sums: columns, group } = series;
  if (Array.isArray(columns)) return columns;
  const days: AggregateDay[] = [];
  for (let n = builder.from; n <= builder.to; n++) {
    days.push(readDay(columns, n - builder.from, group, fromDayNumber(n)));
  }
  series.sums = days;
  return days;
}

/** The groups that received at least one row, total first, each starting at its first fund row. */
export function finishAggregates(builder: AggregateBuilder): AggregateSeries[] {
  return [...builder.groups.values()]
    .filter(({ first }) => first <= builder.to)
    .map((series) => ({
      ...series.group,
      days: toObjects(builder, series).slice(series.first - builder.from),
    }))
    .sort(compareGroups);
}

/** Every group from scratch, over the span of the rows given (from the first row of any fund to the last). */
export function aggregateFundDays(funds: readonly FundDays[]): AggregateSeries[] {
  const dates = funds.flatMap(({ days }) => (days.length > 0 ? [firstAndLast(days)] : []));
  if (dates.length === 0) return [];
  const from = dates.map(([first]) => first).sort()[0] as string;
  const to = dates.map(([, last]) => last).sort()[dates.length - 1] as string;
  const builder = startAggregates(from, to);
  for (const { fund, days } of funds) addFundHistory(builder, fund, days);
  return finishAggregates(builder);
}

/** Rows may come in any order; the earliest and latest dates bound them. */
function firstAndLast(days: readonly FundDay[]): [string, string] {
  let first = (days[0] as FundDay).date;
  let last = first;
  for (const { date } of days) {
    if (date < first) first = date;
    if (date > last) last = date;
  }
  return [first, last];
}
