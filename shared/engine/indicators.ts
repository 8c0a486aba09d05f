// The indicators of docs/method.md for one group, day by day. Windows and streaks count "trading days":
// days on which at least one fund of the group reported a flow, so weekends and holidays neither
// break a streak nor dilute a 20-day window.
import { divideRounded, pow10 } from "../decimal.ts";
import type { Regime } from "../export.ts";
import type { AggregateDay } from "./aggregate.ts";
import {
  advanceIndicatorState,
  type IndicatorState,
  initialIndicatorState,
  SHORT_WINDOW_TRADING_DAYS,
} from "./indicator-state.ts";

/** Ratios (shares, growth rates) are exact quotients rounded half to even to this many decimals. */
export const RATIO_SCALE = 6;
/**
 * Regime thresholds on the 20-day organic growth rate, at RATIO_SCALE (5000 = 0.005 = +0.5%):
 * at or above +0.5% the group is inflow-led, at or below −0.5% outflow-led, in between mixed.
 * The comparison is on the rounded rate, the one readers see. The methodology page quotes these.
 */
export const INFLOW_LED_MIN_GROWTH = 5_000n;
export const OUTFLOW_LED_MAX_GROWTH = -5_000n;

/** Ratios are bigints at RATIO_SCALE (1 = 1_000_000n); null where the denominator is 0. */
export interface Indicators {
  flow5dUsd: bigint;
  flow20dUsd: bigint;
  /** flow20dUsd / AUM at the end of the day before the window's first trading day. */
  organicGrowth20d: bigint | null;
  streak: number;
  streakRecordInflow: number;
  streakRecordOutflow: number;
  /** fundsInflow / fundsReporting: funds not yet reported are not counted as "no inflow". */
  breadth: bigint | null;
  marketShareAum: bigint | null;
  /**
   * Group gross flow / total gross flow (sums of |flow|). Net flows would give negative shares, or
   * shares above 1 whenever inflows and outflows cancel in the total; gross flows keep every share
   * in 0..1 and the shares of one grouping summing to 1.
   */
  marketShareFlow: bigint | null;
  regime: Regime;
  /** The denominator of marketShareFlow, kept so rollups can weigh a period's days by it. */
  totalGrossFlowUsd: bigint;
}

export interface IndicatorDay {
  day: AggregateDay;
  indicators: Indicators;
  /** The state after this day: store it to resume a recompute from the next day. */
  state: IndicatorState;
}

export interface IndicatorRun {
  days: IndicatorDay[];
  /** The state after the last day (the resume state when no day was given). */
  state: IndicatorState | undefined;
}

/**
 * days: one group, every calendar day in order. totalsByDate: the total group's day (for market
 * shares). resume: the state after the day before days[0], when recomputing from the middle.
 */
export function computeIndicators(
  days: readonly AggregateDay[],
  totalsByDate: (date: string) => AggregateDay | undefined,
  resume?: IndicatorState,
): IndicatorRun {
  let state = resume ?? (days[0] ? initialIndicatorState(days[0].date) : undefined);
  const out: IndicatorDay[] = [];
  for (const day of days) {
    state = advanceIndicatorState(state as IndicatorState, day);
    out.push({ day, indicators: indicatorsOf(state, day, totalsByDate(day.date)), state });
  }
  return { days: out, state };
}

function indicatorsOf(state: IndicatorState, day: AggregateDay, total: AggregateDay | undefined): Indicators {
  const window = state.window;
  const flow20dUsd = sumFlows(window);
  const flow5dUsd = sumFlows(window.slice(-SHORT_WINDOW_TRADING_DAYS));
  const windowBase = window[0]?.aumBeforeUsd ?? 0n;
  const organicGrowth20d = ratio(flow20dUsd, windowBase);
  const totalGrossFlowUsd = total?.grossFlowUsd ?? 0n;
  return {
    flow5dUsd,
    flow20dUsd,
    organicGrowth20d,
    streak: state.streak,
    streakRecordInflow: state.streakRecordInflow,
    streakRecordOutflow: state.streakRecordOutflow,
    breadth: ratio(BigInt(day.fundsInflow), BigInt(day.fundsReporting)),
    marketShareAum: ratio(day.aumUsd, total?.aumUsd ?? 0n),
    marketShareFlow: ratio(day.grossFlowUsd, totalGrossFlowUsd),
    regime: regimeOf(organicGrowth20d),
    totalGrossFlowUsd,
  };
}

function sumFlows(days: readonly { flowUsd: bigint }[]): bigint {
  let sum = 0n;
  for (const day of days) sum += day.flowUsd;
  return sum;
}

/** numerator / denominator at RATIO_SCALE, exact then rounded half to even; null for a zero denominator. */
export function ratio(numerator: bigint, denominator: bigint): bigint | null {
  return denominator === 0n ? null : divideRounded(numerator * pow10(RATIO_SCALE), denominator);
}

export function regimeOf(organicGrowth20d: bigint | null): Regime {
  if (organicGrowth20d === null) return "mixed";
  if (organicGrowth20d >= INFLOW_LED_MIN_GROWTH) return "inflow-led";
  if (organicGrowth20d <= OUTFLOW_LED_MAX_GROWTH) return "outflow-led";
  return "mixed";
}
