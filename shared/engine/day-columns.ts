// A packed accumulator for a run of AggregateDays, used when rebuilding from scratch. Summing into
// AggregateDay objects allocates a bigint per field and row, and with 1,000 funds × 10 years the
// garbage collector dominates; int64 columns add in place (a full rebuild of that size went from
// about 10 s to 1.5 s in Node).
//
// Int64 addition wraps modulo 2^64, so a column's final value is exact whenever the true sum fits in
// an int64, whatever happened in between. The caller guarantees that with magnitudeOf (see
// aggregate-series.ts) and falls back to exact objects when it cannot.
import { type AggregateDay, emptyAggregateDay, type Group } from "./aggregate.ts";
import type { FundDay } from "./types.ts";

// Each day's amounts sit side by side (one cache line per day), in this order.
const MONEY_FIELDS = [
  "aumUsd",
  "netFlowUsd",
  "flowEffectUsd",
  "marketEffectUsd",
  "otherEffectUsd",
  "feeEffectUsd",
  "cumulativeFlowUsd",
  "grossFlowUsd",
] as const;
const COUNT_FIELDS = [
  "fundsListed",
  "fundsReporting",
  "fundsInflow",
  "fundsOutflow",
  "fundsProvisional",
  "fundsMissing",
] as const;
const MONEY = offsets(MONEY_FIELDS);
const COUNT = offsets(COUNT_FIELDS);

function offsets<F extends string>(fields: readonly F[]): Record<F, number> {
  return Object.fromEntries(fields.map((field, offset) => [field, offset])) as Record<F, number>;
}

export interface DayColumns {
  money: BigInt64Array;
  counts: Int32Array;
}

export function createDayColumns(days: number): DayColumns {
  return {
    money: new BigInt64Array(days * MONEY_FIELDS.length),
    counts: new Int32Array(days * COUNT_FIELDS.length),
  };
}

function add(money: BigInt64Array, at: number, value: bigint): void {
  money[at] = (money[at] as bigint) + value;
}

function count(counts: Int32Array, at: number): void {
  counts[at] = (counts[at] as number) + 1;
}

/** The same sums as addFundDay with sign 1, into day `i` of the columns. */
export function addFundDayAt({ money, counts }: DayColumns, i: number, fundDay: FundDay): void {
  const m = i * MONEY_FIELDS.length;
  const c = i * COUNT_FIELDS.length;
  add(money, m + MONEY.aumUsd, fundDay.aumUsd);
  add(money, m + MONEY.flowEffectUsd, fundDay.flowEffectUsd ?? 0n);
  add(money, m + MONEY.marketEffectUsd, fundDay.marketEffectUsd);
  add(money, m + MONEY.otherEffectUsd, fundDay.otherEffectUsd);
  add(money, m + MONEY.feeEffectUsd, fundDay.feeEffectUsd);
  add(money, m + MONEY.cumulativeFlowUsd, fundDay.cumulativeFlowUsd);
  if (fundDay.state !== "not_listed") count(counts, c + COUNT.fundsListed);
  if (fundDay.state === "provisional") count(counts, c + COUNT.fundsProvisional);
  if (fundDay.state === "missing") count(counts, c + COUNT.fundsMissing);
  const flow = fundDay.netFlowUsd;
  if (flow === null) return;
  add(money, m + MONEY.netFlowUsd, flow);
  add(money, m + MONEY.grossFlowUsd, flow < 0n ? -flow : flow);
  count(counts, c + COUNT.fundsReporting);
  if (flow > 0n) count(counts, c + COUNT.fundsInflow);
  if (flow < 0n) count(counts, c + COUNT.fundsOutflow);
}

export function readDay({ money, counts }: DayColumns, i: number, group: Group, date: string): AggregateDay {
  const day = emptyAggregateDay(group, date);
  MONEY_FIELDS.forEach((field, f) => {
    day[field] = money[i * MONEY_FIELDS.length + f] as bigint;
  });
  COUNT_FIELDS.forEach((field, f) => {
    day[field] = counts[i * COUNT_FIELDS.length + f] as number;
  });
  return day;
}
/** The largest |amount| in a fund's rows: no group sum can exceed the total of these over its funds. */
export function magnitudeOf(days: readonly FundDay[]): bigint {
  let largest = 0n;
  let negated = 0n; // −largest, kept so comparisons allocate nothing
  const see = (value: bigint) => {
    if (value > largest) [largest, negated] = [value, -value];
    else if (value < negated) [largest, negated] = [-value, value];
  };
  for (const day of days) {
    see(day.aumUsd);
    see(day.marketEffectUsd);
    see(day.otherEffectUsd);
    see(day.feeEffectUsd);
    see(day.cumulativeFlowUsd);
    see(day.netFlowUsd ?? 0n);
    see(day.flowEffectUsd ?? 0n);
  }
  return largest;
}
