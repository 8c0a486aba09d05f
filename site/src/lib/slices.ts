// A "slice" is one day, week or month of one fund or one group of funds, in numbers ready to show.
// Funds come from their daily rows, groups from the export's aggregates; pages and charts read both alike.

import { monthOf } from "../../../shared/dates.ts";
import type { DayState } from "../../../shared/domain.ts";
import { isoDateOf } from "../../../shared/engine/day-numbers.ts";
import type { FundDayRow } from "../../../shared/export.ts";
import { weekOf } from "./calendar.ts";
import { type CompleteRow, completenessOf } from "./completeness.ts";
import { names, num } from "./format.ts";
import { type FundHistory, incomeOf, stateAt, valueAt } from "./history.ts";

/**
 * How complete a slice's flows are. "partial": some funds of a group have no figure yet (their
 * tickers are in `awaiting`); "missing": none has.
 */
export type SliceStatus = "final" | "provisional" | "missing" | "partial" | "closed" | "not_listed";

export interface Slice {
  /** A date, an ISO week ("2024-W02") or a month ("2024-01"). */
  label: string;
  start: string;
  end: string;
  status: SliceStatus;
  aum: number;
  /** Reported net flow; null when none was reported (missing, closed), never 0 for "nothing". */
  flow: number | null;
  market: number;
  /** Corporate actions, reconciliation residuals and rounding remainders. */
  other: number;
  /** Fee drag, zero or negative. */
  fee: number;
  /** Staking rewards the fund kept, zero or positive. */
  income: number;
  /** Distributions paid out to shareholders, zero or negative. */
  distribution: number;
  cumulative: number;
  /** Coins held at the end (funds only). */
  units: number | null;
  price: number | null;
  priceStale: boolean;
  /** A group's funds with no figure yet (partial or missing slices); empty for a fund's own days. */
  awaiting: readonly string[];
}

/** One shared empty list: a fund's thousands of day slices need no list of their own. */
const NONE: readonly string[] = Object.freeze([]);

const STATUS_OF_STATE: Record<DayState, SliceStatus> = {
  final: "final",
  provisional: "provisional",
  missing: "missing",
  holiday: "closed",
  not_listed: "not_listed",
};

export function fundDaySlice(row: FundDayRow): Slice {
  return {
    label: row.date,
    start: row.date,
    end: row.date,
    status: STATUS_OF_STATE[row.state],
    aum: num(row.aum_usd) ?? 0,
    flow: num(row.net_flow_usd),
    market: num(row.market_effect_usd) ?? 0,
    other: num(row.other_effect_usd) ?? 0,
    fee: num(row.fee_effect_usd) ?? 0,
    ...incomeOf(row),
    cumulative: num(row.cumulative_flow_usd) ?? 0,
    units: num(row.units),
    price: num(row.price_usd),
    priceStale: row.price_stale,
    awaiting: NONE,
  };
}

/** The days of a fund's history as slices, read from its typed columns: all, or rows [from, to). */
export function fundDaySlices(history: FundHistory, from = 0, to = history.length): Slice[] {
  const slices: Slice[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const date = isoDateOf(history.day[i] ?? 0);
    slices[i - from] = {
      label: date,
      start: date,
      end: date,
      status: STATUS_OF_STATE[stateAt(history, i)],
      aum: valueAt(history.aum, i) ?? 0,
      flow: valueAt(history.flow, i),
      market: valueAt(history.market, i) ?? 0,
      other: valueAt(history.other, i) ?? 0,
      fee: valueAt(history.fee, i) ?? 0,
      income: history.income?.[i] ?? 0,
      distribution: history.distribution?.[i] ?? 0,
      cumulative: valueAt(history.cumulative, i) ?? 0,
      units: valueAt(history.units, i),
      price: valueAt(history.price, i),
      priceStale: history.priceStale[i] === 1,
      awaiting: NONE,
    };
  }
  return slices;
}

/**
 * A group's slice. Its status comes from the row's completeness (complete, partial, none, or no
 * trading day); where the API does not give it yet, from the dates `flags` says hold missing
 * fund-days. Provisional fund-days come from `flags`, and a day nobody traded on reads as "market closed".
 */
export function groupSlice(row: CompleteRow, flags: DateFlags): Slice {
  const flow = num(row.net_flow_usd);
  const day = completenessOf(row, flags.awaiting?.(row.start, row.end) ?? []);
  return {
    label: row.label,
    start: row.start,
    end: row.end,
    status: groupStatus(row, day.completeness, flags),
    aum: num(row.aum_usd) ?? 0,
    flow,
    market: num(row.market_effect_usd) ?? 0,
    other: num(row.other_effect_usd) ?? 0,
    fee: num(row.fee_effect_usd) ?? 0,
    ...incomeOf(row),
    cumulative: num(row.cumulative_flow_usd) ?? 0,
    units: null,
    price: null,
    priceStale: false,
    awaiting: day.awaiting.length === 0 ? NONE : day.awaiting,
  };
}

export interface DateFlags {
  provisional: (start: string, end: string) => boolean;
  /** The group's funds with no flow on record on some date between start and end. */
  awaiting?: (start: string, end: string) => readonly string[];
}

function groupStatus(
  row: CompleteRow,
  completeness: CompleteRow["completeness"],
  flags: DateFlags,
): SliceStatus {
  switch (completeness) {
    case null:
    case undefined:
      return row.funds_listed === 0 ? "not_listed" : "closed";
    case "none":
      return "missing";
    case "partial":
      return "partial";
    default:
      return (row.funds_provisional ?? 0) > 0 || flags.provisional(row.start, row.end)
        ? "provisional"
        : "final";
  }
}

const STATUS_RANK: SliceStatus[] = ["not_listed", "closed", "final", "provisional", "partial", "missing"];

/** Rolls days up into ISO weeks or months: flows and effects add up, levels come from the last day. */
export function rollUp(days: readonly Slice[], period: "week" | "month"): Slice[] {
  const labelOf = period === "week" ? weekOf : monthOf;
  const out: Slice[] = [];
  let current: Slice | undefined;
  for (const day of days) {
    const label = labelOf(day.start);
    if (current?.label !== label) {
      current = {
        ...day,
        label,
        flow: null,
        market: 0,
        other: 0,
        fee: 0,
        income: 0,
        distribution: 0,
        status: "not_listed",
      };
      out.push(current);
    }
    if (day.flow !== null) current.flow = (current.flow ?? 0) + day.flow;
    current.market += day.market;
    current.other += day.other;
    current.fee += day.fee;
    current.income += day.income;
    current.distribution += day.distribution;
    current.status = worse(current.status, day.status);
    Object.assign(current, {
      end: day.end,
      aum: day.aum,
      cumulative: day.cumulative,
      units: day.units,
      price: day.price,
      priceStale: day.priceStale,
    });
  }
  return out.map(settle);
}

/** A week with a missing day among reported ones is "partial", not wholly "missing". */
function settle(slice: Slice): Slice {
  if (slice.status === "missing" && slice.flow !== null) return { ...slice, status: "partial" };
  return slice;
}

function worse(a: SliceStatus, b: SliceStatus): SliceStatus {
  return STATUS_RANK.indexOf(a) >= STATUS_RANK.indexOf(b) ? a : b;
}

/** AUM change of a slice, exactly the sum of its parts (docs/method.md's identity). */
export function aumChange(slice: Slice): number {
  return (slice.flow ?? 0) + slice.market + slice.other + slice.fee + slice.income + slice.distribution;
}

export const STATUS_LABEL: Record<SliceStatus, string> = {
  final: "",
  provisional: "provisional",
  missing: "missing",
  partial: "partial",
  closed: "market closed",
  not_listed: "not listed",
};

/** A slice's state as a tag: STATUS_LABEL, with the funds awaited named on a partial one. */
export function statusTag(slice: Slice): string {
  if (slice.status === "partial" && slice.awaiting.length > 0)
    return `partial, awaiting ${names(slice.awaiting)}`;
  return STATUS_LABEL[slice.status];
}
