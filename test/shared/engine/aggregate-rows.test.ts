import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupId, groupsOf } from "../../../shared/engine/aggregate.ts";
import { aggregateRowsByPeriod, awaitingIndex } from "../../../shared/engine/aggregate-rows.ts";
import { missingFundDays } from "../../../shared/engine/summary.ts";
import { fundsArbitrary } from "./fund-day-fixtures.ts";
import { aggregateFundDays } from "./group-series.ts";

describe("aggregateRowsByPeriod with the awaited funds", () => {
  it("names on each day exactly the group's funds still missing, and counts them", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const series = aggregateFundDays(funds);
        const totals = series[0]?.days ?? [];
        const missing = funds.flatMap(({ fund, days }) =>
          missingFundDays(fund.ticker, days).map((day) => ({ ...day, ...fund })),
        );
        const rows = aggregateRowsByPeriod(
          series.map((s) => s.days),
          totals,
          ["day", "month"],
          { awaiting: awaitingIndex(missing) },
        );
        for (const row of rows.day) {
          const expected = missing
            .filter(
              (day) =>
                day.date === row.start && groupsOf(day).some((g) => groupId(g) === `${row.by}:${row.key}`),
            )
            .map((day) => day.fund)
            .sort();
          expect(row.awaiting).toEqual(expected);
          expect(row.funds_missing).toBe(expected.length);
          expect(row.completeness === "complete" || row.completeness === null).toBe(expected.length === 0);
        }
        for (const row of rows.month) {
          const inMonth = rows.day.filter(
            (day) => day.by === row.by && day.key === row.key && day.label.startsWith(row.label),
          );
          expect(row.awaiting).toEqual([...new Set(inMonth.flatMap((day) => day.awaiting))].sort());
        }
      }),
      { numRuns: 40 },
    );
  });

  it("keeps the awaited funds of days outside the range out of its rows", () => {
    const index = awaitingIndex([
      {
        fund: "IBIT",
        date: "2024-01-09",
        asset: "BTC",
        issuer: "BlackRock",
        country: "US",
        vehicle: "spot_etf",
      },
      { fund: "FBTC", date: "2024-01-09", asset: "BTC", issuer: null, country: "US", vehicle: "spot_etf" },
    ]);
    expect(index.get("total:all")?.get("2024-01-09")).toEqual(["FBTC", "IBIT"]);
    expect(index.get("issuer:BlackRock")?.get("2024-01-09")).toEqual(["IBIT"]);
    expect([...index.keys()].filter((id) => id.startsWith("issuer:"))).toEqual(["issuer:BlackRock"]);
  });
});
