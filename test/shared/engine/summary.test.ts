import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, isoWeekStart } from "../../../shared/dates.ts";
import { formatDecimal } from "../../../shared/decimal.ts";
import { type AggregateDay, dayCompleteness } from "../../../shared/engine/aggregate.ts";
import { computeIndicators } from "../../../shared/engine/indicators.ts";
import {
  buildSummary,
  headlineDateOf,
  MISSING_CAP,
  missingFundDays,
  reportDateOf,
} from "../../../shared/engine/summary.ts";
import type { AttributionChange } from "../../../shared/export.ts";
import { fin, fundDays, fundsArbitrary, makeFund, miss, prov } from "./fund-day-fixtures.ts";
import { aggregateFundDays, type FundDays } from "./group-series.ts";

function summarise(
  funds: FundDays[],
  missing = funds.flatMap((f) => missingFundDays(f.fund.ticker, f.days)),
) {
  const series = aggregateFundDays(funds);
  const totalDays = series[0]?.days ?? [];
  const total = computeIndicators(totalDays, (date) => totalDays.find((d) => d.date === date)).days;
  const assets = series.filter((s) => s.by === "asset").flatMap((s) => s.days);
  const rows = funds.flatMap(({ fund, days }) => days.map((day) => ({ fund: fund.ticker, day })));
  const awaited = funds.flatMap(({ fund, days }) =>
    missingFundDays(fund.ticker, days).map((day) => ({ ...day, asset: fund.asset })),
  );
  return {
    totalDays,
    assets,
    awaited,
    summary: buildSummary({ dataVersion: 1, total, assets, funds: rows, missing, awaited }),
  };
}

const cents = (text: string) => BigInt(text.replace(".", ""));

describe("buildSummary", () => {
  it("splits each period's AUM change to the headline date exactly into its parts", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const { totalDays, summary } = summarise(funds);
        const reportDate = reportDateOf(totalDays);
        const headline = headlineDateOf(totalDays);
        expect(summary.report_date).toBe(reportDate);
        expect(summary.headline_date).toBe(headline);
        expect(summary.changes === null).toBe(headline === null);
        expect(summary.total_aum_usd === null).toBe(headline === null);
        if (reportDate === null || headline === null) return;
        const aumAt = (date: string) => totalDays.find((d) => d.date === date)?.aumUsd ?? 0n;
        const firstDate = (totalDays[0] as AggregateDay).date;
        const clamp = (date: string) => (date < firstDate ? firstDate : date);
        const expectedFrom = {
          day: headline,
          week: clamp(isoWeekStart(headline)),
          month: clamp(`${headline.slice(0, 7)}-01`),
          ytd: clamp(`${headline.slice(0, 4)}-01-01`),
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
          expect(change.to).toBe(headline);
          expect(cents(change.aum_change_usd)).toBe(aumAt(headline) - aumAt(addDays(change.from, -1)));
        }
        expect(summary.total_aum_usd).toBe(formatDecimal(aumAt(headline), 2));
        expect(summary.missing.every(({ date }) => date <= reportDate)).toBe(true);
        const dates = summary.missing.map(({ date }) => date);
        expect(dates).toEqual(dates.toSorted().reverse());
      }),
      { numRuns: 60 },
    );
  });

  it("takes the headline from the last complete day and states the report date's completeness", () => {
    fc.assert(
      fc.property(fundsArbitrary, (funds) => {
        const { totalDays, assets, awaited, summary } = summarise(funds);
        const reportDate = reportDateOf(totalDays);
        if (reportDate === null) return;
        const reportDay = totalDays.find((day) => day.date === reportDate) as AggregateDay;
        expect(summary.report_date_completeness).toBe(dayCompleteness(reportDay));
        expect(summary.report_date_awaiting).toEqual(
          awaited
            .filter((day) => day.date === reportDate)
            .map((day) => day.fund)
            .sort(),
        );
        expect(summary.report_date_awaiting).toHaveLength(reportDay.fundsMissing);
        const later = totalDays.filter((day) => day.date > (summary.headline_date ?? ""));
        expect(later.some((day) => dayCompleteness(day) === "complete")).toBe(false);
        for (const row of summary.by_asset) {
          const days = assets.filter((day) => day.key === row.asset);
          const reportOf = days.findLast((day) => day.fundsReporting > 0);
          expect(row.headline_date).toBe(headlineDateOf(days));
          expect(row.report_date).toBe(reportOf?.date ?? reportDate);
          const own = days.find((day) => day.date === row.report_date);
          expect(row.completeness).toBe(own ? dayCompleteness(own) : null);
          expect(row.awaiting).toHaveLength(own?.fundsMissing ?? 0);
        }
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
    expect(
      buildSummary({ dataVersion: 3, total: [], assets: [], funds: [], missing: [], awaited: [] }),
    ).toMatchObject({
      data_version: 3,
      report_date: null,
      report_date_completeness: null,
      report_date_awaiting: [],
      headline_date: null,
      changes: null,
      total_aum_usd: null,
      regime: "mixed",
    });
  });
});

// Monday 2024-01-08 to Wednesday 2024-01-10. A and B hold BTC, C holds ETH. On Tuesday C and A have
// reported and B has not; on Wednesday only C has.
describe("buildSummary on a day still being filled in", () => {
  const funds = [
    {
      fund: makeFund("A", { asset: "BTC" }),
      days: fundDays("2024-01-08", [fin(10, 1010), fin(-40, 970), miss(990)]),
    },
    {
      fund: makeFund("B", { asset: "BTC" }),
      days: fundDays("2024-01-08", [fin(5, 505), miss(505), miss(510)]),
    },
    {
      fund: makeFund("C", { asset: "ETH" }),
      days: fundDays("2024-01-08", [fin(1, 101), fin(2, 103), prov(3, 106)]),
    },
  ];

  it("gives the last complete day's figures and says the report date is partial, naming who is awaited", () => {
    const { summary } = summarise(funds);
    expect(summary).toMatchObject({
      report_date: "2024-01-10",
      report_date_completeness: "partial",
      report_date_awaiting: ["A", "B"],
      headline_date: "2024-01-08",
      total_aum_usd: "1616.00",
      net_flow_usd: "16.00",
      top_inflows: [
        { fund: "A", net_flow_usd: "10.00" },
        { fund: "B", net_flow_usd: "5.00" },
        { fund: "C", net_flow_usd: "1.00" },
      ],
      top_outflows: [],
      streak: 1,
    });
    expect(summary.changes?.day).toMatchObject({
      from: "2024-01-08",
      to: "2024-01-08",
      flow_effect_usd: "16.00",
    });
    expect(summary.changes?.week).toMatchObject({ from: "2024-01-08", to: "2024-01-08" });
  });

  it("gives each asset its own headline: ETH, complete (a provisional figure counts), is not held back by BTC", () => {
    const { summary } = summarise(funds);
    expect(summary.by_asset).toEqual([
      {
        asset: "BTC",
        aum_usd: "1515.00",
        headline_date: "2024-01-08",
        net_flow_usd: "15.00",
        report_date: "2024-01-09",
        completeness: "partial",
        awaiting: ["B"],
      },
      {
        asset: "ETH",
        aum_usd: "106.00",
        headline_date: "2024-01-10",
        net_flow_usd: "3.00",
        report_date: "2024-01-10",
        completeness: "complete",
        awaiting: [],
      },
    ]);
  });

  it("has no headline while no day is complete, rather than a total that is only low", () => {
    const { summary } = summarise(funds.slice(0, 2).map((f) => ({ ...f, days: f.days.slice(1) })));
    expect(summary).toMatchObject({
      report_date: "2024-01-09",
      report_date_completeness: "partial",
      report_date_awaiting: ["B"],
      headline_date: null,
      total_aum_usd: null,
      net_flow_usd: null,
      changes: null,
      top_inflows: [],
    });
    expect(summary.by_asset).toEqual([
      {
        asset: "BTC",
        aum_usd: null,
        headline_date: null,
        net_flow_usd: null,
        report_date: "2024-01-09",
        completeness: "partial",
        awaiting: ["B"],
      },
    ]);
  });
});
