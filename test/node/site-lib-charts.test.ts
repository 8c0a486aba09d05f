// Charts written directly as SVG and the compact daily history: the axes choose round ticks, lines
// break where a value is missing, dense bars collapse to one column per pixel, and the typed columns
// give back the API's numbers and its exact rows.
import { describe, expect, it } from "vitest";
import type { FundDayRow } from "../../shared/export.ts";
import { barChart, lineChart } from "../../site/src/lib/charts.ts";
import { timeTicks, valueTicks } from "../../site/src/lib/frame.ts";
import { exactRows, toHistory, valueAt } from "../../site/src/lib/history.ts";
import { csvBody } from "../../site/src/lib/records.ts";
import { fundDaySlice, fundDaySlices } from "../../site/src/lib/slices.ts";

const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dates = (count: number, from = "2015-01-01") =>
  Array.from({ length: count }, (_, i) => new Date(utc(from) + i * 86_400_000).toISOString().slice(0, 10));

describe("axes", () => {
  it("picks round value ticks in steps of 1, 2 or 5", () => {
    expect(valueTicks(0, 31e9, 5.7)).toEqual([0, 5e9, 10e9, 15e9, 20e9, 25e9, 30e9]);
    expect(valueTicks(-0.021, 0.26, 5.7)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(valueTicks(-2.2e9, 8.1e9, 5.7)).toEqual([-2e9, 0, 2e9, 4e9, 6e9, 8e9]);
  });

  it("ticks years over a decade, quarters over a year, with the year under the first month", () => {
    const decade = timeTicks(utc("2015-01-02"), utc("2024-12-31"), 5.5);
    expect(decade.map((t) => t.lines.join(" "))).toEqual(["2016", "2018", "2020", "2022", "2024"]);
    const year = timeTicks(utc("2024-01-11"), utc("2024-11-01"), 5.5);
    expect(year.map((t) => t.lines.join(" "))).toEqual(["Apr 2024", "Jul", "Oct"]);
  });
});

describe("charts as SVG", () => {
  it("draws a line as one path that breaks at a missing value, inside an img with its label", () => {
    const points = dates(5).map((date, i) => ({ date, value: i === 2 ? null : i * 10 }));
    const svg = lineChart("A & B", points, { format: "usd", area: true });
    expect(svg).toMatch(/^<svg role="img" aria-label="A &amp; B"/);
    const line = /<path d="([^"]+)" fill="none" stroke="#4269d0"/.exec(svg)?.[1] ?? "";
    expect(line.match(/M/g)).toHaveLength(2);
  });

  it("collapses bars denser than the pixels into columns, and marks missing days", () => {
    const bars = dates(3000).map((date, i) => ({ date, value: i % 2 ? i : -i, missing: i === 7 }));
    const svg = barChart("streaks", bars, { interval: "day", format: "number" });
    const upward = /<path d="([^"]+)" fill="#2e9e5b"/.exec(svg)?.[1] ?? "";
    const columns = upward.match(/M/g)?.length ?? 0;
    expect(columns).toBeGreaterThan(400);
    expect(columns).toBeLessThanOrEqual(445);
    expect(svg).toContain('stroke="#8a8f98"');
    expect(svg.length).toBeLessThan(60_000);
  });
});

function row(date: string, i: number): FundDayRow {
  return {
    date,
    state: i === 1 ? "holiday" : "final",
    price_usd: i === 2 ? null : "60000.12345678",
    price_stale: i === 2,
    units: "10.00000001",
    aum_usd: `${600000 + i}.12`,
    net_flow_usd: i === 1 ? null : "-95.10",
    flow_effect_usd: i === 1 ? null : "-95.10",
    market_effect_usd: "1.00",
    other_effect_usd: "0.00",
    fee_effect_usd: "-0.01",
    residual_units: "0.00000000",
    transfer_units: "0.00000000",
    cumulative_flow_usd: "-95.10",
    income_effect_usd: "0.00",
    distribution_effect_usd: "0.00",
    income_units: "0",
    distribution_units: "0",
  };
}

describe("a fund's daily history in typed columns", () => {
  const rows = dates(3).map(row);
  const history = toHistory(rows);

  it("gives the same slices as the rows, null where the API gave none", () => {
    expect(fundDaySlices(history)).toEqual(rows.map(fundDaySlice));
    expect(valueAt(history.flow, 1)).toBeNull();
    expect(valueAt(history.price, 2)).toBeNull();
  });

  it("keeps the exact rows for the open data files", () => {
    expect(exactRows(history)).toEqual(rows);
    expect(new TextDecoder().decode(history.csv)).toBe(csvBody(rows as unknown as Record<string, unknown>[]));
    expect(new TextDecoder().decode(history.csv).split("\r\n")[2]).toMatch(
      /^2015-01-02,holiday,60000\.12345678,false,/,
    );
  });
});
