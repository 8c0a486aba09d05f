// Aggregate rows for the API: one day, an ISO week, a month or a year to date of one group.
// Flows and effects add up over the period; stocks (AUM, cumulative flow) and the window-based
// indicators are read at the period's last day; day-by-day shares are re-weighed over the period.
import { isoWeek, monthOf, yearOf } from "../dates.ts";
import { formatDecimal, USD_SCALE } from "../decimal.ts";
import type { AggregateRow, Period } from "../export.ts";
import { type AggregateDay, dayCompleteness } from "./aggregate.ts";
import { type Indicators, RATIO_SCALE, ratio } from "./indicators.ts";

export type RollupPeriod = Exclude<Period, "day">;

export interface DayWithIndicators {
  day: AggregateDay;
  indicators: Indicators;
}

/** "2024-01-11", "2025-W01" (for 2024-12-30: ISO weeks belong to the year of their Thursday), "2024-01", "2024". */
export function periodLabel(date: string, period: Period): string {
  switch (period) {
    case "day":
      return date;
    case "week":
      return isoWeek(date);
    case "month":
      return monthOf(date);
    case "ytd":
      return yearOf(date);
  }
}

/**
 * The tickers of the group's funds with no figure yet on a date, sorted. Rows built without it name
 * none, though funds_missing still counts them.
 */
export type AwaitedOn = (date: string) => readonly string[];

const NONE_NAMED: AwaitedOn = () => [];

export function toAggregateRow(
  day: AggregateDay,
  indicators: Indicators,
  awaitedOn: AwaitedOn = NONE_NAMED,
): AggregateRow {
  return periodRow([{ day, indicators }], "day", day.date, awaitedOn);
}

/**
 * One row per period touched by `days` (one group, in date order). start/end are the first and last
 * day covered, so a period cut by the series' start or end says so; ytd gives one row per year.
 */
export function rollup(
  days: readonly DayWithIndicators[],
  period: RollupPeriod,
  awaitedOn: AwaitedOn = NONE_NAMED,
): AggregateRow[] {
  const rows: AggregateRow[] = [];
  let bucket: DayWithIndicators[] = [];
  let label = "";
  for (const entry of days) {
    const entryLabel = periodLabel(entry.day.date, period);
    if (entryLabel !== label && bucket.length > 0) {
      rows.push(periodRow(bucket, period, label, awaitedOn));
      bucket = [];
    }
    label = entryLabel;
    bucket.push(entry);
  }
  if (bucket.length > 0) rows.push(periodRow(bucket, period, label, awaitedOn));
  return rows;
}

/**
 * Counts of reporting, inflow, outflow, provisional and missing funds become fund-days over a period,
 * so breadth stays funds_inflow / funds_reporting on every row and the period's completeness follows
 * from its sums as a day's does; market_share_flow weighs the days by gross flow. A period awaits
 * every fund missing on any of its days: its sums lack each of those fund-days.
 */
function periodRow(
  days: readonly DayWithIndicators[],
  period: Period,
  label: string,
  awaitedOn: AwaitedOn,
): AggregateRow {
  const first = days[0] as DayWithIndicators;
  const { day: last, indicators: end } = days[days.length - 1] as DayWithIndicators;
  const sum = sumOverPeriod(days);
  return {
    by: last.by,
    key: last.key,
    period,
    label,
    start: first.day.date,
    end: last.date,
    aum_usd: usd(last.aumUsd),
    net_flow_usd: sum.fundsReporting > 0 ? usd(sum.netFlowUsd) : null,
    flow_effect_usd: usd(sum.flowEffectUsd),
    market_effect_usd: usd(sum.marketEffectUsd),
    other_effect_usd: usd(sum.otherEffectUsd),
    fee_effect_usd: usd(sum.feeEffectUsd),
    income_effect_usd: usd(sum.incomeEffectUsd),
    distribution_effect_usd: usd(sum.distributionEffectUsd),
    cumulative_flow_usd: usd(last.cumulativeFlowUsd),
    flow_5d_usd: usd(end.flow5dUsd),
    flow_20d_usd: usd(end.flow20dUsd),
    organic_growth_20d: share(end.organicGrowth20d),
    streak: end.streak,
    streak_record_inflow: end.streakRecordInflow,
    streak_record_outflow: end.streakRecordOutflow,
    breadth: share(ratio(BigInt(sum.fundsInflow), BigInt(sum.fundsReporting))),
    market_share_aum: share(end.marketShareAum),
    market_share_flow: share(ratio(sum.grossFlowUsd, sum.totalGrossFlowUsd)),
    regime: end.regime,
    funds_listed: last.fundsListed,
    funds_reporting: sum.fundsReporting,
    funds_inflow: sum.fundsInflow,
    funds_outflow: sum.fundsOutflow,
    funds_provisional: sum.fundsProvisional,
    funds_missing: sum.fundsMissing,
    completeness: dayCompleteness(sum),
    awaiting: awaitedIn(days, awaitedOn),
  };
}

function awaitedIn(days: readonly DayWithIndicators[], awaitedOn: AwaitedOn): string[] {
  const awaited = new Set<string>();
  for (const { day } of days) {
    if (day.fundsMissing > 0) for (const fund of awaitedOn(day.date)) awaited.add(fund);
  }
  return [...awaited].sort();
}

function sumOverPeriod(days: readonly DayWithIndicators[]) {
  const sum = {
    netFlowUsd: 0n,
    flowEffectUsd: 0n,
    marketEffectUsd: 0n,
    otherEffectUsd: 0n,
    feeEffectUsd: 0n,
    incomeEffectUsd: 0n,
    distributionEffectUsd: 0n,
    grossFlowUsd: 0n,
    totalGrossFlowUsd: 0n,
    fundsReporting: 0,
    fundsInflow: 0,
    fundsOutflow: 0,
    fundsProvisional: 0,
    fundsMissing: 0,
  };
  for (const { day, indicators } of days) {
    sum.netFlowUsd += day.netFlowUsd;
    sum.flowEffectUsd += day.flowEffectUsd;
    sum.marketEffectUsd += day.marketEffectUsd;
    sum.otherEffectUsd += day.otherEffectUsd;
    sum.feeEffectUsd += day.feeEffectUsd;
    sum.incomeEffectUsd += day.incomeEffectUsd;
    sum.distributionEffectUsd += day.distributionEffectUsd;
    sum.grossFlowUsd += day.grossFlowUsd;
    sum.totalGrossFlowUsd += indicators.totalGrossFlowUsd;
    sum.fundsReporting += day.fundsReporting;
    sum.fundsInflow += day.fundsInflow;
    sum.fundsOutflow += day.fundsOutflow;
    sum.fundsProvisional += day.fundsProvisional;
    sum.fundsMissing += day.fundsMissing;
  }
  return sum;
}

function usd(cents: bigint): string {
  return formatDecimal(cents, USD_SCALE);
}

function share(value: bigint | null): string | null {
  return value === null ? null : formatDecimal(value, RATIO_SCALE);
}
