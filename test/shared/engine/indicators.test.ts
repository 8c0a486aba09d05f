import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AggregateDay, emptyAggregateDay } from "../../../shared/engine/aggregate.ts";
import { decodeIndicatorState, encodeIndicatorState } from "../../../shared/engine/indicator-state.ts";
import { computeIndicators, ratio, regimeOf } from "../../../shared/engine/indicators.ts";
import { fundsArbitrary } from "./fund-day-fixtures.ts";
import { type AggregateSeries, aggregateFundDays } from "./group-series.ts";

function totalsOf(series: AggregateSeries[]) {
  const total = new Map(series.find((s) => s.by === "total")?.days.map((day) => [day.date, day]));
  return (date: string) => total.get(date);
}

/** The definitions of docs/method.md applied to the whole history at each day, with no state carried. */
function bruteForce(days: readonly AggregateDay[], i: number) {
  const trading = days.slice(0, i + 1).flatMap((day, j) => (day.fundsReporting > 0 ? [j] : []));
  const flowOf = (j: number) => (days[j] as AggregateDay).netFlowUsd;
  const sum = (js: number[]) => js.reduce((acc, j) => acc + flowOf(j), 0n);
  const window = trading.slice(-20);
  const first = window[0];
  const base = first === undefined ? 0n : (days[first - 1]?.aumUsd ?? 0n);
  const sign = (k: number) => {
    const flow = flowOf(trading[k] as number);
    return flow > 0n ? 1 : flow < 0n ? -1 : 0;
  };
  const streakAt = (k: number) => {
    let n = 0;
    while (sign(k) !== 0 && k - n >= 0 && sign(k - n) === sign(k)) n++;
    return sign(k) * n;
  };
  const streaks = trading.map((_, k) => streakAt(k));
  return {
    flow5dUsd: sum(trading.slice(-5)),
    flow20dUsd: sum(window),
    organicGrowth20d: ratio(sum(window), base),
    streak: streaks[streaks.length - 1] ?? 0,
    streakRecordInflow: Math.max(0, ...streaks),
    streakRecordOutflow: Math.max(0, ...streaks.map((s) => -s)),
  };
}

describe("computeIndicators", () => {
  it("matches the definitions recomputed from the whole history", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const series = aggregateFundDays(funds);
        for (const { days } of series) {
          const run = computeIndicators(days, totalsOf(series));
          run.days.forEach(({ indicators }, i) => {
            expect(indicators).toMatchObject(bruteForce(days, i));
            expect(indicators.regime).toBe(regimeOf(indicators.organicGrowth20d));
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it("resumed from the stored state of any day, equals the full run", () => {
    const withCut = fundsArbitrary.chain((funds) => fc.tuple(fc.constant(funds), fc.nat({ max: 80 })));
    fc.assert(
      fc.property(withCut, ([funds, cut]) => {
        const series = aggregateFundDays(funds);
        for (const { days } of series) {
          const k = Math.min(cut, days.length);
          const full = computeIndicators(days, totalsOf(series));
          const head = computeIndicators(days.slice(0, k), totalsOf(series));
          const stored = head.state && decodeIndicatorState(encodeIndicatorState(head.state));
          const tail = computeIndicators(days.slice(k), totalsOf(series), stored);
          expect([...head.days, ...tail.days]).toEqual(full.days);
          expect(tail.state).toEqual(full.state);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a gap in the calendar", () => {
    const total = { by: "total", key: "all" } as const;
    const first = computeIndicators([emptyAggregateDay(total, "2024-01-01")], () => undefined);
    const gap = [emptyAggregateDay(total, "2024-01-03")];
    expect(() => computeIndicators(gap, () => undefined, first.state)).toThrow(RangeError);
  });

  it("puts the regime thresholds at ±0.5%, inclusive", () => {
    expect([
      regimeOf(5_000n),
      regimeOf(4_999n),
      regimeOf(-4_999n),
      regimeOf(-5_000n),
      regimeOf(null),
    ]).toEqual(["inflow-led", "mixed", "mixed", "outflow-led", "mixed"]);
  });
});
