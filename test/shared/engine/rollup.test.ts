import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, isoWeek, isoWeekStart } from "../../../shared/dates.ts";
import { formatDecimal } from "../../../shared/decimal.ts";
import { dayCompleteness, emptyAggregateDay } from "../../../shared/engine/aggregate.ts";
import { computeIndicators, type IndicatorDay } from "../../../shared/engine/indicators.ts";
import { periodLabel, type RollupPeriod, rollup, toAggregateRow } from "../../../shared/engine/rollup.ts";
import { fundsArbitrary } from "./fund-day-fixtures.ts";
import { aggregateFundDays } from "./group-series.ts";

const PERIODS: RollupPeriod[] = ["week", "month", "ytd"];

function groupsWithIndicators(funds: Parameters<typeof aggregateFundDays>[0]): IndicatorDay[][] {
  const series = aggregateFundDays(funds);
  const total = new Map(series[0]?.days.map((day) => [day.date, day]));
  return series.map(({ days }) => computeIndicators(days, (date) => total.get(date)).days);
}

const cents = (text: string | null) => BigInt((text ?? "0").replace(".", ""));

describe("rollup", () => {
  it("sums flows and effects of the days, and takes AUM at each period's end", () => {
    fc.assert(
      fc.property(fundsArbitrary, fc.constantFrom(...PERIODS), (funds, period) => {
        for (const days of groupsWithIndicators(funds)) {
          const rows = rollup(days, period);
          const daily = days.map(({ day, indicators }) => toAggregateRow(day, indicators));
          for (const field of [
            "net_flow_usd",
            "flow_effect_usd",
            "market_effect_usd",
            "other_effect_usd",
          ] as const) {
            const sum = (list: typeof rows) => list.reduce((acc, row) => acc + cents(row[field]), 0n);
            expect(sum(rows)).toBe(sum(daily));
          }
          expect(rows.reduce((n, row) => n + row.funds_reporting, 0)).toBe(
            days.reduce((n, { day }) => n + day.fundsReporting, 0),
          );
          for (const row of rows) {
            const end = daily.find((d) => d.end === row.end);
            expect(row).toMatchObject({ aum_usd: end?.aum_usd, streak: end?.streak, regime: end?.regime });
            const inPeriod = daily.filter((d) => d.start >= row.start && d.end <= row.end);
            expect(row.net_flow_usd === null).toBe(inPeriod.every((d) => d.net_flow_usd === null));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("covers every day once, in periods that hold only their own dates", () => {
    fc.assert(
      fc.property(fundsArbitrary, fc.constantFrom(...PERIODS), (funds, period) => {
        const [total] = groupsWithIndicators(funds);
        const rows = rollup(total ?? [], period);
        expect(rows[0]?.start).toBe(total?.[0]?.day.date);
        rows.forEach((row, i) => {
          expect([periodLabel(row.start, period), periodLabel(row.end, period)]).toEqual([
            row.label,
            row.label,
          ]);
          const next = rows[i + 1];
          if (next) expect(next.start).toBe(addDays(row.end, 1));
          if (next && period === "week") expect(next.start).toBe(isoWeekStart(next.start));
        });
      }),
      { numRuns: 40 },
    );
  });

  it("puts 2024-12-30 in 2025-W01 but in the 2024 month and year", () => {
    const days = ["2024-12-28", "2024-12-29", "2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"].map(
      (date) => {
        const day = emptyAggregateDay({ by: "total", key: "all" }, date);
        day.aumUsd = 100n;
        return day;
      },
    );
    const run = computeIndicators(days, (date) => days.find((d) => d.date === date)).days;
    const spans = (period: RollupPeriod) =>
      rollup(run, period).map(({ label, start, end }) => [label, start, end]);
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
    expect(spans("week")).toEqual([
      ["2024-W52", "2024-12-28", "2024-12-29"],
      ["2025-W01", "2024-12-30", "2025-01-02"],
    ]);
    expect(spans("month")).toEqual([
      ["2024-12", "2024-12-28", "2024-12-31"],
      ["2025-01", "2025-01-01", "2025-01-02"],
    ]);
    expect(spans("ytd")).toEqual([
      ["2024", "2024-12-28", "2024-12-31"],
      ["2025", "2025-01-01", "2025-01-02"],
    ]);
    expect(rollup(run, "week")[1]).toMatchObject({ aum_usd: formatDecimal(100n, 2), net_flow_usd: null });
  });

  it("makes a period complete only when each of its trading days is, and awaits anyone missing on any", () => {
    fc.assert(
      fc.property(fundsArbitrary, fc.constantFrom(...PERIODS), (funds, period) => {
        for (const days of groupsWithIndicators(funds)) {
          const named = (date: string) => [`M-${date}`];
          for (const row of rollup(days, period, named)) {
            const inPeriod = days.filter(({ day }) => day.date >= row.start && day.date <= row.end);
            const states = inPeriod.map(({ day }) => dayCompleteness(day)).filter((state) => state !== null);
            const expected =
              states.length === 0
                ? null
                : states.every((state) => state === "complete")
                  ? "complete"
                  : states.every((state) => state === "none")
                    ? "none"
                    : "partial";
            expect(row.completeness).toBe(expected);
            const missingDays = inPeriod.filter(({ day }) => day.fundsMissing > 0);
            expect(row.awaiting).toEqual(missingDays.map(({ day }) => `M-${day.date}`));
            expect(row.funds_missing).toBe(inPeriod.reduce((n, { day }) => n + day.fundsMissing, 0));
            expect(row.funds_provisional).toBe(inPeriod.reduce((n, { day }) => n + day.fundsProvisional, 0));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("rolls a week of complete, partial, awaited and closed days up as the days say", () => {
    // Two funds over Monday 2024-01-08 … Sunday 2024-01-14; each day given as [reporting, missing].
    type Counts = [reporting: number, missing: number, provisional?: number];
    const closed: Counts = [0, 0];
    const week = (weekdays: Counts[], names: Record<number, string[]> = {}) => {
      const days = [...weekdays, closed, closed].map(([reporting, missing, provisional = 0], i) => ({
        ...emptyAggregateDay({ by: "asset", key: "BTC" }, addDays("2024-01-08", i)),
        fundsListed: 2,
        fundsReporting: reporting,
        fundsMissing: missing,
        fundsProvisional: provisional,
      }));
      const namedOn = (date: string) => names[days.findIndex((day) => day.date === date)] ?? [];
      const [row] = rollup(computeIndicators(days, () => undefined).days, "week", namedOn);
      return [row?.completeness, row?.awaiting, row?.funds_missing, row?.funds_provisional];
    };
    const complete: Counts = [2, 0];
    const provisional: Counts = [2, 0, 1];
    const partial: Counts = [1, 1];
    const none: Counts = [0, 2];
    expect(week([complete, provisional, complete, complete, complete])).toEqual(["complete", [], 0, 1]);
    expect(week([complete, complete, partial, complete, closed], { 2: ["IBIT"] })).toEqual([
      "partial",
      ["IBIT"],
      1,
      0,
    ]);
    expect(week([complete, complete, complete, complete, none], { 4: ["FBTC", "IBIT"] })).toEqual([
      "partial",
      ["FBTC", "IBIT"],
      2,
      0,
    ]);
    expect(week([none, none, closed, none, none], { 0: ["FBTC", "IBIT"], 1: ["FBTC", "IBIT"] })).toEqual([
      "none",
      ["FBTC", "IBIT"],
      8,
      0,
    ]);
    expect(week([closed, closed, closed, closed, closed])).toEqual([null, [], 0, 0]);
  });
});
