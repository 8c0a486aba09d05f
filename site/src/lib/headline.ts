// The headline figures: those of the last day every fund has reported, never of a day still filling in.
import { monthOf } from "../../../shared/dates.ts";
import { weekOf } from "./calendar.ts";
import { valueAt } from "./history.ts";
import type { Model } from "./model.ts";
import type { Slice } from "./slices.ts";

export interface Change {
  from: string;
  to: string;
  aum: number;
  flow: number;
  market: number;
  other: number;
  fee: number;
  income: number;
  distribution: number;
}

export interface Changes {
  day: Change;
  week: Change;
  month: Change;
  ytd: Change;
}

/**
 * The change in AUM up to `date` over its day, ISO week, month and year, each split into its parts,
 * summed from day slices (oldest first). Undefined when `date` is not among them.
 */
export function changesTo(days: readonly Slice[], date: string | null): Changes | undefined {
  const end = date === null ? -1 : days.findLastIndex((day) => day.start === date);
  if (end < 0 || date === null) return undefined;
  const since = (same: (day: string) => boolean): Change => {
    const change: Change = {
      from: date,
      to: date,
      aum: 0,
      flow: 0,
      market: 0,
      other: 0,
      fee: 0,
      income: 0,
      distribution: 0,
    };
    for (let i = end; i >= 0; i--) {
      const day = days[i] as Slice;
      if (!same(day.start)) break;
      change.from = day.start;
      change.flow += day.flow ?? 0;
      change.market += day.market;
      change.other += day.other;
      change.fee += day.fee;
      change.income += day.income;
      change.distribution += day.distribution;
    }
    change.aum =
      change.flow + change.market + change.other + change.fee + change.income + change.distribution;
    return change;
  };
  const week = weekOf(date);
  const month = monthOf(date);
  const year = date.slice(0, 4);
  return {
    day: since((day) => day === date),
    week: since((day) => weekOf(day) === week),
    month: since((day) => monthOf(day) === month),
    ytd: since((day) => day.startsWith(year)),
  };
}

export interface Mover {
  fund: string;
  flow: number;
}

/** Every fund's net flow on one day, read by direct index into its daily columns: inflows, then outflows. */
export function moversOn(
  model: Model,
  date: string | null,
  top = 5,
): { inflows: Mover[]; outflows: Mover[] } {
  const flows: Mover[] = [];
  if (date !== null) {
    const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
    for (const fund of model.funds) {
      const history = model.fundHistory(fund.ticker);
      const i = day - (history.day[0] ?? 0);
      if (history.day[i] !== day) continue;
      const flow = valueAt(history.flow, i);
      if (flow !== null && flow !== 0) flows.push({ fund: fund.ticker, flow });
    }
  }
  flows.sort((a, b) => b.flow - a.flow);
  return {
    inflows: flows.filter((m) => m.flow > 0).slice(0, top),
    outflows: flows
      .filter((m) => m.flow < 0)
      .reverse()
      .slice(0, top),
  };
}
