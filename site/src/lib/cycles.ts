// The market cycle, told from the record: the swings of AUM (each rise or fall of 30% or more), how
// much of each was investors and how much the price, the regime day by day (for shading the AUM
// chart), and the runs of consecutive outflow days. Every figure is worked out at build time from the
// aggregates; nothing is typed in.
import { COLOR } from "./chart-colors.ts";
import type { Band } from "./chart-parts.ts";
import type { Slice } from "./slices.ts";

/** A swing counts when AUM moves this far from its last turning point. */
export const SWING = 0.3;

export interface Swing {
  from: string;
  to: string;
  startAum: number;
  endAum: number;
  /** The parts of the change over (from, to]: investors, price, staking income, payouts, and the rest (fees, other). */
  flow: number;
  market: number;
  income: number;
  distribution: number;
  rest: number;
  /** Trading days in the swing, and how many of them were inflow-led or outflow-led. */
  tradingDays: number;
  inflowLed: number;
  outflowLed: number;
}

interface Point {
  date: string;
  value: number;
}

/**
 * Turning points of a series: a high is confirmed once the series falls `threshold` below it, a low
 * once it rises `threshold` above it (a zigzag). The first and last points are always included.
 */
export function turningPoints(points: readonly Point[], threshold = SWING): number[] {
  if (points.length === 0) return [];
  const value = (i: number) => points[i]?.value ?? 0;
  const turns = [0];
  // 1: rising, tracking the high; −1: falling, tracking the low; 0: not yet moved far from the start.
  let direction = 0;
  let extreme = 0;
  for (let i = 1; i < points.length; i++) {
    const v = value(i);
    if (direction === 0) {
      if (v >= value(0) * (1 + threshold)) [direction, extreme] = [1, i];
      else if (v <= value(0) * (1 - threshold)) [direction, extreme] = [-1, i];
    } else if (direction === 1) {
      if (v > value(extreme)) extreme = i;
      else if (v <= value(extreme) * (1 - threshold)) {
        turns.push(extreme);
        [direction, extreme] = [-1, i];
      }
    } else if (v < value(extreme)) extreme = i;
    else if (v >= value(extreme) * (1 + threshold)) {
      turns.push(extreme);
      [direction, extreme] = [1, i];
    }
  }
  const last = points.length - 1;
  if (turns.at(-1) !== last) turns.push(last);
  return turns;
}

/** Each swing between turning points, split into its parts from the day slices. */
export function swingsOf(
  days: readonly Slice[],
  regimes: ReadonlyMap<string, string>,
  threshold = SWING,
): Swing[] {
  const listed = days.filter((day) => day.status !== "not_listed");
  const turns = turningPoints(
    listed.map((day) => ({ date: day.start, value: day.aum })),
    threshold,
  );
  const swings: Swing[] = [];
  for (let t = 1; t < turns.length; t++) {
    const a = turns[t - 1] as number;
    const b = turns[t] as number;
    const swing: Swing = {
      from: listed[a]?.start ?? "",
      to: listed[b]?.start ?? "",
      startAum: listed[a]?.aum ?? 0,
      endAum: listed[b]?.aum ?? 0,
      flow: 0,
      market: 0,
      income: 0,
      distribution: 0,
      rest: 0,
      tradingDays: 0,
      inflowLed: 0,
      outflowLed: 0,
    };
    for (let i = a + 1; i <= b; i++) {
      const day = listed[i] as Slice;
      swing.flow += day.flow ?? 0;
      swing.market += day.market;
      swing.income += day.income;
      swing.distribution += day.distribution;
      swing.rest += day.other + day.fee;
      if (day.flow === null) continue;
      swing.tradingDays++;
      const regime = regimes.get(day.start);
      if (regime === "inflow-led") swing.inflowLed++;
      if (regime === "outflow-led") swing.outflowLed++;
    }
    swings.push(swing);
  }
  return swings;
}

interface RegimeDay {
  start: string;
  regime: string;
  /** Null on a day without trading: it takes the regime of the day before. */
  net_flow_usd: string | null;
}

export const REGIME_COLORS: Record<string, string> = {
  "inflow-led": COLOR.inflow,
  "outflow-led": COLOR.outflow,
};

/** Runs of one regime as shaded spans; days without trading continue the run they fall in. */
export function regimeBands(rows: readonly RegimeDay[]): Band[] {
  const bands: Band[] = [];
  let current: (Band & { regime: string }) | undefined;
  for (const row of rows) {
    if (row.net_flow_usd === null && current) {
      current.to = row.start;
      continue;
    }
    if (current?.regime === row.regime) {
      current.to = row.start;
      continue;
    }
    current = { from: row.start, to: row.start, color: REGIME_COLORS[row.regime] ?? "", regime: row.regime };
    bands.push(current);
  }
  return bands.filter((band) => band.color !== "").map(({ from, to, color }) => ({ from, to, color }));
}

export interface Streak {
  from: string;
  to: string;
  days: number;
  /** Net flows over the streak. */
  flow: number;
}

/** Runs of consecutive outflow days (trading days only) of at least `min` days, oldest first. */
export function outflowStreaks(days: readonly Slice[], min: number): Streak[] {
  const found: Streak[] = [];
  let run: Streak | undefined;
  const close = () => {
    if (run && run.days >= min) found.push(run);
    run = undefined;
  };
  for (const day of days) {
    if (day.flow === null) continue;
    if (day.flow < 0) {
      if (!run) run = { from: day.start, to: day.start, days: 0, flow: 0 };
      run.to = day.start;
      run.days++;
      run.flow += day.flow;
    } else close();
  }
  close();
  return found;
}
