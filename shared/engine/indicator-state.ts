// What the indicators of day d need to know about the days before it. Stored beside each aggregate
// day, it lets a recompute that starts at date d read one row (the state at d − 1) instead of the
// whole history of the group.
import { addDays } from "../dates.ts";
import type { AggregateDay } from "./aggregate.ts";

export const SHORT_WINDOW_TRADING_DAYS = 5;
export const LONG_WINDOW_TRADING_DAYS = 20;

/** A day on which the group had at least one reported flow. */
export interface TradingDay {
  flowUsd: bigint;
  /** AUM at the end of the calendar day before: the base of a window that starts on this day. */
  aumBeforeUsd: bigint;
}

export interface IndicatorState {
  /** The last day folded in; the next day folded in must be the calendar day after it. */
  date: string;
  /** AUM at the end of `date`. */
  aumUsd: bigint;
  /** The last LONG_WINDOW_TRADING_DAYS trading days or fewer, oldest first. */
  window: readonly TradingDay[];
  /** +n after n inflow trading days in a row, −n after n outflow days, 0 after a zero-flow day. */
  streak: number;
  streakRecordInflow: number;
  streakRecordOutflow: number;
}

/** The state before a group's first day: nothing held, nothing traded. */
export function initialIndicatorState(firstDate: string): IndicatorState {
  return {
    date: addDays(firstDate, -1),
    aumUsd: 0n,
    window: [],
    streak: 0,
    streakRecordInflow: 0,
    streakRecordOutflow: 0,
  };
}

/** Folds one more calendar day in. Days without a reported flow move only the AUM. */
export function advanceIndicatorState(state: IndicatorState, day: AggregateDay): IndicatorState {
  if (day.date !== addDays(state.date, 1)) {
    throw new RangeError(`indicators need every calendar day: ${day.date} does not follow ${state.date}`);
  }
  if (day.fundsReporting === 0) return { ...state, date: day.date, aumUsd: day.aumUsd };
  const flow = day.netFlowUsd;
  const streak = flow > 0n ? Math.max(state.streak, 0) + 1 : flow < 0n ? Math.min(state.streak, 0) - 1 : 0;
  return {
    date: day.date,
    aumUsd: day.aumUsd,
    window: [
      ...state.window.slice(1 - LONG_WINDOW_TRADING_DAYS),
      { flowUsd: flow, aumBeforeUsd: state.aumUsd },
    ],
    streak,
    streakRecordInflow: Math.max(state.streakRecordInflow, streak),
    streakRecordOutflow: Math.max(state.streakRecordOutflow, -streak),
  };
}

/** JSON text for a database column; bigints travel as decimal strings of cents. */
export function encodeIndicatorState(state: IndicatorState): string {
  return JSON.stringify({
    ...state,
    aumUsd: state.aumUsd.toString(),
    window: state.window.map((day) => [day.flowUsd.toString(), day.aumBeforeUsd.toString()]),
  });
}

export function decodeIndicatorState(text: string): IndicatorState {
  const stored = JSON.parse(text) as Omit<IndicatorState, "aumUsd" | "window"> & {
    aumUsd: string;
    window: [string, string][];
  };
  return {
    ...stored,
    aumUsd: BigInt(stored.aumUsd),
    window: stored.window.map(([flow, aumBefore]) => ({
      flowUsd: BigInt(flow),
      aumBeforeUsd: BigInt(aumBefore),
    })),
  };
}
