import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, isoWeekStart } from "../../../shared/dates.ts";
import { formatDecimal } from "../../../shared/decimal.ts";
import type { AggregateDay } from "../../../shared/engine/aggregate.ts";
import { aggregateFundDays, type FundDays } from "../../../shared/engine/aggregate-series.ts";
import { computeIndicators } from "../../../shared/engine/indicators.ts";
import { buildSummary, MISSING_CAP, missingFundDays, reportDateOf } from "../../../shared/engine/summary.ts";
import type { AttributionChange } from "../../../shared/export.ts";
import { fundsArbitrary } from "./fund-day-fixtures.ts";

function summarise(
  funds: FundDays[],
  missing = funds.flatMap((f) => missingFundDays(f.fund.ticker, f.days)),
) {
  const series = aggregateFundDays(funds);
  const totalDays = series[0]?.days ?? [];
  const total = computeIndicators(totalDays, (date) => totalDays.find((d) => d.date === date)).days;
  const assets = series.filter((s) => s.by === "asset").flatMap((s) => s.days);
  const rows = funds.flatMap(({ fund, days }) => days.map((day) => ({ fund: fund.ticker, day })));
  return { totalDays, summary: buildSummary({ dataVersion: 1, total, assets, funds: rows, missing }) };
}

const cents = (text: string) => BigInt(text.replace(".", ""));

describe("buildSummary", () => {
  it("splits each period's AUM change exactly into its parts", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const { totalDays, summary } = summarise(funds);
        const reportDate = reportDateOf(totalDays);
        expect(summary.report_date).toBe(reportDate);
        expect(summary.changes === null).toBe(reportDate === null);
        if (reportDate === null) return;
        const aumAt = (date: string) => totalDays.find((d) => d.date === date)?.aumUsd ?? 0n;
        const firstDate = (totalDays[0] as AggregateDay).date;
        const clamp = (date: string) => (date < firstDate ? firstDate : date);
        const expectedFrom = {
          day: reportDate,
          week: clamp(isoWeekStart(reportDate)),
          month: clamp(`${reportDate.slice(0, 7)}-01`),
          ytd: clamp(`${reportDate.slice(0, 4)}-01-01`),
        };
        for (const [period, change] of Object.entries(summary.changes ?? {}) as [
          string,
          AttributionChange,
        ][]) {
          const parts = [
            change.flow_effect_usd,
            change.market_effect_usd,
            change.other_effect_usd,
            change.fee_effect_usd,
          ];
          expect(parts.map(cents).reduce((a, b) => a + b)).toBe(cents(change.aum_change_usd));
          expect(change.from).toBe(expectedFrom[period as keyof typeof expectedFrom]);
          expect(change.to).toBe(reportDate);
          expect(cents(change.aum_change_usd)).toBe(aumAt(reportDate) - aumAt(addDays(change.from, -1)));
        }
        expect(summary.total_aum_usd).toBe(formatDecimal(aumAt(reportDate), 2));
        expect(summary.missing.every(({ date }) => date <= reportDate)).toBe(true);
        const dates = summary.missing.map(({ date }) => date);
        expect(dates).toEqual(dates.toSorted().reverse());
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the 200 most recent missing fund-days and lists top flows by size", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const many = Array.from({ length: 300 }, (_, i) => ({
          fund: `M${i % 3}`,
          date: addDays("2020-01-01", i),
        }));
        const { summary } = summarise(funds, many);
        if (summary.report_date === null) return;
        expect(summary.missing).toHaveLength(MISSING_CAP);
        expect(summary.missing[0]).toEqual(many[299]);
        const inflows = summary.top_inflows.map((row) => cents(row.net_flow_usd));
        expect(inflows).toEqual(inflows.toSorted((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
        expect(summary.top_outflows.every((row) => cents(row.net_flow_usd) < 0n)).toBe(true);
        expect(summary.top_inflows.length).toBeLessThanOrEqual(5);
      }),
      { numRuns: 30 },
    );
  });

  it("reports nothing before any fund has a flow", () => {
    expect(buildSummary({ dataVersion: 3, total: [], assets: [], funds: [], missing: [] })).toMatchObject({
      data_version: 3,
      report_date: null,
      changes: null,
      total_aum_usd: "0.00",
      regime: "mixed",
    });
  });
});
