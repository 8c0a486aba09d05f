import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AggregateDay,
  addFundDay,
  dayCompleteness,
  emptyAggregateDay,
  groupId,
  groupsOf,
} from "../../../shared/engine/aggregate.ts";
import { daySpecArbitrary, fundDays, fundsArbitrary, makeFund } from "./fund-day-fixtures.ts";
import { aggregateFundDays } from "./group-series.ts";

const group = { by: "asset", key: "BTC" } as const;

describe("groupsOf", () => {
  it("puts a fund in the total and in one group per dimension", () => {
    const fund = makeFund("IBIT", { asset: "BTC", issuer: "BlackRock", country: "US", vehicle: "spot_etf" });
    expect(groupsOf(fund).map(groupId)).toEqual([
      "total:all",
      "asset:BTC",
      "issuer:BlackRock",
      "country:US",
      "vehicle:spot_etf",
    ]);
  });
});

describe("dayCompleteness", () => {
  it("derives a day's state from its counts of missing and reporting funds", () => {
    const of = (fundsMissing: number, fundsReporting: number) =>
      dayCompleteness({ fundsMissing, fundsReporting });
    expect(of(1, 2)).toBe("partial");
    expect(of(3, 0)).toBe("none");
    expect(of(0, 3)).toBe("complete");
    expect(of(0, 0)).toBeNull();
  });

  it("counts a provisional figure as a figure, and a holiday or an unlisted day as no trading day", () => {
    const day = (states: ("final" | "provisional" | "missing" | "holiday" | "not_listed")[]) => {
      const target = emptyAggregateDay(group, "2024-01-08");
      const rows = fundDays(
        "2024-01-08",
        states.map((state) => ({ state, flow: 0n, aum: 0n })),
      );
      for (const row of rows) addFundDay(target, { ...row, date: "2024-01-08" }, 1);
      return dayCompleteness(target);
    };
    expect(day(["final", "provisional"])).toBe("complete");
    expect(day(["provisional", "missing"])).toBe("partial");
    expect(day(["missing", "missing", "not_listed"])).toBe("none");
    expect(day(["holiday", "holiday"])).toBeNull();
    expect(day(["not_listed"])).toBeNull();
  });
});

describe("addFundDay", () => {
  it("returns to empty after adding rows and subtracting them in any order", () => {
    const rows = fc
      .array(daySpecArbitrary, { minLength: 1, maxLength: 30 })
      .map((specs) => fundDays("2024-01-01", specs));
    const rowsAndShuffle = rows.chain((all) =>
      fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length })),
    );
    fc.assert(
      fc.property(rowsAndShuffle, ([added, removed]) => {
        const target = emptyAggregateDay(group, "2024-01-01");
        for (const row of added) addFundDay(target, row, 1);
        for (const row of removed) addFundDay(target, row, -1);
        expect(target).toEqual(emptyAggregateDay(group, "2024-01-01"));
      }),
    );
  });

  it("updates stored aggregates exactly when one fund's rows are restated", () => {
    const restatement = fundsArbitrary.chain((funds) =>
      fc.tuple(
        fc.constant(funds),
        fc.nat({ max: funds.length - 1 }),
        fc.array(daySpecArbitrary, { minLength: 70, maxLength: 70 }),
      ),
    );
    fc.assert(
      fc.property(restatement, ([funds, index, specs]) => {
        const old = funds[index] as (typeof funds)[number];
        const restated = {
          fund: old.fund,
          days: fundDays(old.days[0]?.date ?? "", specs.slice(0, old.days.length)),
        };
        const stored = new Map(aggregateFundDays(funds).map((s) => [groupId(s), s.days]));
        for (const g of groupsOf(old.fund)) {
          const days = stored.get(groupId(g)) ?? [];
          const byDate = new Map(days.map((day) => [day.date, day]));
          for (const row of old.days) addFundDay(byDate.get(row.date) as AggregateDay, row, -1);
          for (const row of restated.days) addFundDay(byDate.get(row.date) as AggregateDay, row, 1);
        }
        const rebuilt = aggregateFundDays(funds.map((f, i) => (i === index ? restated : f)));
        expect(rebuilt.map((s) => stored.get(groupId(s)))).toEqual(rebuilt.map((s) => s.days));
      }),
      { numRuns: 50 },
    );
  });
});

describe("aggregateFundDays", () => {
  it("keeps the identity to the cent: AUM change = flow + market + other + fee", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        for (const { days } of aggregateFundDays(funds)) {
          let previousAum = 0n;
          for (const day of days) {
            const parts = day.flowEffectUsd + day.marketEffectUsd + day.otherEffectUsd + day.feeEffectUsd;
            expect(day.aumUsd - previousAum).toBe(parts);
            previousAum = day.aumUsd;
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it("covers every calendar day and sums each dimension back to the total", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const series = aggregateFundDays(funds);
        const total = series.find((s) => s.by === "total")?.days ?? [];
        const lastDate = total[total.length - 1]?.date;
        for (const by of ["asset", "issuer", "country", "vehicle"] as const) {
          const parts = series.filter((s) => s.by === by);
          for (const day of total) {
            const same = parts.map((s) => s.days.find((d) => d.date === day.date));
            const sum = (field: "aumUsd" | "netFlowUsd") =>
              same.reduce((acc, d) => acc + (d?.[field] ?? 0n), 0n);
            expect([sum("aumUsd"), sum("netFlowUsd")]).toEqual([day.aumUsd, day.netFlowUsd]);
          }
          for (const s of parts) expect(s.days[s.days.length - 1]?.date).toBe(lastDate);
        }
      }),
      { numRuns: 50 },
    );
  });
});
