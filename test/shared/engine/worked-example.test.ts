// Three funds, two assets, eleven days (Sunday 2024-01-07 to Wednesday 2024-01-17), computed by hand.
// A and B hold BTC (6000 USD at the open), C holds ETH (200 USD). The weekend of the 13th is closed;
// A gains 100 USD of market value on Saturday. B is missing on the 15th, C on the 16th, A's last day
// is a provisional 0.
import { describe, expect, it } from "vitest";
import type { AggregateDay } from "../../../shared/engine/aggregate.ts";
import { computeIndicators, type IndicatorDay } from "../../../shared/engine/indicators.ts";
import { rollup } from "../../../shared/engine/rollup.ts";
import { buildSummary, missingFundDays } from "../../../shared/engine/summary.ts";
import { fin, fundDays, hol, makeFund, miss, prov, usd } from "./fund-day-fixtures.ts";
import { aggregateFundDays } from "./group-series.ts";

const start = "2024-01-07";
const funds = [
  {
    fund: makeFund("A", { asset: "BTC", issuer: "Xcorp" }),
    days: fundDays(start, [
      ...[hol(4000), fin(10, 4010), fin(20, 4030), fin(-5, 4025), fin(0, 4025), fin(30, 4055)],
      ...[hol(4155, 100), hol(4155), fin(10, 4165), fin(-10, 4155), prov(0, 4155)],
    ]),
  },
  {
    fund: makeFund("B", { asset: "BTC", issuer: "Ycorp" }),
    days: fundDays(start, [
      ...[hol(2000), fin(5, 2005), fin(-30, 1975), fin(-5, 1970), fin(0, 1970), fin(10, 1980)],
      ...[hol(1980), hol(1980), miss(1980), fin(-20, 1960), fin(5, 1965)],
    ]),
  },
  {
    fund: makeFund("C", { asset: "ETH", issuer: "Xcorp" }),
    days: fundDays(start, [
      ...[hol(200), fin(0, 200), fin(0, 200), fin(-1, 199), fin(-1, 198), fin(-1, 197)],
      ...[hol(197), hol(197), fin(-1, 196), miss(196), fin(-1, 195)],
    ]),
  },
];

const series = aggregateFundDays(funds);
const total = series.find((s) => s.by === "total")?.days ?? [];
const totalsByDate = (date: string) => total.find((day) => day.date === date);
const indicatorsOf = (by: string, key: string): IndicatorDay[] =>
  computeIndicators(series.find((s) => s.by === by && s.key === key)?.days ?? [], totalsByDate).days;
const btc = indicatorsOf("asset", "BTC");
const eth = indicatorsOf("asset", "ETH");
const all = indicatorsOf("total", "all");
const at = (days: IndicatorDay[], date: string) => days.find(({ day }) => day.date === date) as IndicatorDay;

describe("worked example", () => {
  it("groups by total, asset, issuer, country and vehicle", () => {
    expect(series.map((s) => `${s.by}:${s.key}`)).toEqual([
      "total:all",
      "asset:BTC",
      "asset:ETH",
      "issuer:Xcorp",
      "issuer:Ycorp",
      "country:US",
      "vehicle:spot_etf",
    ]);
    expect(total.map((day) => day.netFlowUsd / 100n)).toEqual([
      0n,
      15n,
      -10n,
      -11n,
      -1n,
      39n,
      0n,
      0n,
      9n,
      -30n,
      4n,
    ]);
  });

  it("counts streaks over trading days only; a zero-flow day resets", () => {
    expect(btc.map(({ indicators }) => indicators.streak)).toEqual([0, 1, -1, -2, 0, 1, 1, 1, 2, -1, 1]);
    expect(eth.map(({ indicators }) => indicators.streak)).toEqual([0, 0, 0, -1, -2, -3, -3, -3, -4, -4, -5]);
    expect(all.map(({ indicators }) => indicators.streak)).toEqual([0, 1, -1, -2, -3, 1, 1, 1, 2, -1, 1]);
    const last = at(all, "2024-01-17").indicators;
    expect([last.streakRecordInflow, last.streakRecordOutflow]).toEqual([2, 3]);
  });

  it("sums windows of trading days and grows them on the AUM before the window", () => {
    const end = at(btc, "2024-01-17").indicators;
    expect([end.flow5dUsd, end.flow20dUsd]).toEqual([usd(25), usd(20)]); // 0 + 40 + 10 − 30 + 5; all 8 days
    expect(end.organicGrowth20d).toBe(3_333n); // 20 / 6000
    expect(btc.map(({ indicators }) => indicators.regime)).toEqual([
      ...[
        "mixed",
        "mixed",
        "mixed",
        "mixed",
        "mixed",
        "inflow-led",
        "inflow-led",
        "inflow-led",
        "inflow-led",
      ],
      ...["mixed", "mixed"],
    ]);
    expect(at(eth, "2024-01-10").indicators).toMatchObject({
      organicGrowth20d: -5_000n,
      regime: "outflow-led",
    });
    expect(at(all, "2024-01-07").indicators.organicGrowth20d).toBeNull(); // no trading day yet
  });

  it("measures breadth over reporting funds and shares against the total", () => {
    expect(at(btc, "2024-01-15").indicators.breadth).toBe(1_000_000n); // A in, B missing
    expect(at(btc, "2024-01-17").indicators.breadth).toBe(500_000n); // A provisional 0, B in
    expect(at(eth, "2024-01-16").indicators.breadth).toBeNull();
    expect(at(btc, "2024-01-17").indicators).toMatchObject({
      marketShareAum: 969_121n,
      marketShareFlow: 833_333n,
    });
    expect(at(all, "2024-01-17").indicators.marketShareAum).toBe(1_000_000n);
  });

  it("rolls up ISO weeks", () => {
    const weeks = rollup(btc, "week", (date) => (date === "2024-01-15" ? ["B"] : []));
    expect(weeks.map(({ label, start, end }) => [label, start, end])).toEqual([
      ["2024-W01", "2024-01-07", "2024-01-07"],
      ["2024-W02", "2024-01-08", "2024-01-14"],
      ["2024-W03", "2024-01-15", "2024-01-17"],
    ]);
    expect(weeks[0]).toMatchObject({ net_flow_usd: null, aum_usd: "6000.00", breadth: null });
    expect(weeks[1]).toMatchObject({
      net_flow_usd: "35.00",
      market_effect_usd: "100.00",
      aum_usd: "6135.00",
    });
    expect(weeks[1]).toMatchObject({ funds_reporting: 10, funds_inflow: 5, breadth: "0.500000", streak: 1 });
    expect(weeks[2]).toMatchObject({ net_flow_usd: "-15.00", aum_usd: "6120.00", breadth: "0.400000" });
    expect(weeks[2]?.market_share_flow).toBe("0.957447"); // 45 of 47 gross
    // B missing on the 15th keeps week 3 partial though every later day is in.
    expect(weeks.map((week) => [week.completeness, week.awaiting, week.funds_missing])).toEqual([
      [null, [], 0],
      ["complete", [], 0],
      ["partial", ["B"], 1],
    ]);
    expect(weeks[2]?.funds_provisional).toBe(1);
  });

  it("summarises the report date", () => {
    const missing = funds.flatMap(({ fund, days }) => missingFundDays(fund.ticker, days));
    const assets = series.filter((s) => s.by === "asset").flatMap((s) => s.days) as AggregateDay[];
    const rows = funds.flatMap(({ fund, days }) => days.map((day) => ({ fund: fund.ticker, day })));
    const awaited = funds.flatMap(({ fund, days }) =>
      missingFundDays(fund.ticker, days).map((day) => ({ ...day, asset: fund.asset })),
    );
    const summary = buildSummary({ dataVersion: 7, total: all, assets, funds: rows, missing, awaited });
    expect(summary).toMatchObject({
      report_date: "2024-01-17",
      // A's provisional 0 is a figure: the day is complete, and the headline is of it.
      report_date_completeness: "complete",
      report_date_awaiting: [],
      headline_date: "2024-01-17",
      last_final_date: "2024-01-12",
      provisional_dates: ["2024-01-17"],
      missing: [
        { fund: "C", date: "2024-01-16" },
        { fund: "B", date: "2024-01-15" },
      ],
      total_aum_usd: "6315.00",
      net_flow_usd: "4.00",
      streak: 1,
      regime: "mixed",
      organic_growth_20d: "0.002419",
      top_inflows: [{ fund: "B", net_flow_usd: "5.00" }],
      top_outflows: [{ fund: "C", net_flow_usd: "-1.00" }],
      by_asset: [
        {
          asset: "BTC",
          aum_usd: "6120.00",
          headline_date: "2024-01-17",
          completeness: "complete",
          awaiting: [],
        },
        { asset: "ETH", aum_usd: "195.00", headline_date: "2024-01-17", net_flow_usd: "-1.00" },
      ],
    });
    expect(summary.changes?.day).toMatchObject({
      from: "2024-01-17",
      aum_change_usd: "4.00",
      flow_effect_usd: "4.00",
    });
    expect(summary.changes?.week).toMatchObject({ from: "2024-01-15", aum_change_usd: "-17.00" });
    expect(summary.changes?.ytd).toMatchObject({
      from: "2024-01-07",
      aum_change_usd: "6315.00",
      flow_effect_usd: "15.00",
      market_effect_usd: "100.00",
      other_effect_usd: "6200.00",
    });
  });
});
