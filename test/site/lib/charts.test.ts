// Charts written directly as SVG, their text as HTML beside it, and the compact daily history: the axes
// choose round ticks and round the range out to them, lines break where a value is missing, dense bars
// collapse to columns, a waterfall that cannot start at zero shows its break, and the typed columns give
// back the API's numbers and its exact rows.
import { describe, expect, it } from "vitest";
import { isoWeek, isoWeekMonday, toDayNumber } from "../../../shared/dates.ts";
import type { FundDayRow } from "../../../shared/export.ts";
import { barChart, waterfallChart } from "../../../site/src/lib/bar-charts.ts";
import { markerRows, niceDomain, timeTicks, valueTicks } from "../../../site/src/lib/frame.ts";
import { exactRows, toHistory, valueAt } from "../../../site/src/lib/history.ts";
import { lineChart } from "../../../site/src/lib/line-charts.ts";
import { csvBody } from "../../../site/src/lib/records.ts";
import { fundDaySlice, fundDaySlices } from "../../../site/src/lib/slices.ts";
import { computeWeekDigests, weekDigest, weekDigests } from "../../../site/src/lib/week-digests.ts";

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

/** The SVG inside a chart's markup, and the text outside it. */
const svgOf = (chart: string) => /<svg[\s\S]*<\/svg>/.exec(chart)?.[0] ?? "";

describe("charts as SVG with their text beside it", () => {
  it("draws a line as one path that breaks at a missing value, inside an img with its label", () => {
    const points = dates(5).map((date, i) => ({ date, value: i === 2 ? null : i * 10 }));
    const chart = lineChart("A & B", points, { format: "usd", area: true });
    expect(svgOf(chart)).toMatch(/^<svg role="img" aria-label="A &amp; B"/);
    const line = /<path d="([^"]+)" fill="none" stroke="#4269d0"/.exec(chart)?.[1] ?? "";
    expect(line.match(/M/g)).toHaveLength(2);
  });

  it("keeps every label out of the SVG, so it reads at the page's size at any width", () => {
    const points = dates(1000).map((date, i) => ({ date, value: 1e9 + i * 1e7 }));
    const chart = lineChart("AUM", points, {
      format: "usd",
      area: true,
      markers: [{ date: "2015-03-01", label: "1" }],
    });
    expect(svgOf(chart)).not.toContain("<text");
    expect(svgOf(chart)).toContain('preserveAspectRatio="none"');
    expect(chart).toContain('<div class="chart-y" aria-hidden="true">');
    expect(chart).toMatch(/<span class="marker" style="left:[\d.]+%;top:0%">1<\/span>/);
    // Fewer time labels on a phone than on a desktop, each set marked.
    expect(chart).toMatch(/<span class="wide"/);
    expect(chart).toMatch(/<span class="narrow"/);
  });

  it("rounds the value axis out to ticks, so no mark runs past the last labelled one", () => {
    expect(niceDomain(3.2e9, 97.6e9)).toMatchObject({ low: 0, high: 100e9 });
    expect(niceDomain(-1.16e9, 1.56e9).ticks).toEqual([-1.5e9, -1e9, -0.5e9, 0, 0.5e9, 1e9, 1.5e9, 2e9]);
    const bars = dates(10).map((date, i) => ({ date, value: (i - 3) * 1.3e8 }));
    const chart = barChart("flows", bars, { interval: "day", format: "usd" });
    const ys = [...svgOf(chart).matchAll(/[MHV]-?[\d.]+,(-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ys)).toBeLessThanOrEqual(400);
    expect(chart).toContain(">$0<");
  });

  it("collapses bars denser than the columns, and marks missing days with a ×", () => {
    const bars = dates(3000).map((date, i) => ({ date, value: i % 2 ? i : -i, missing: i === 7 }));
    const chart = barChart("streaks", bars, { interval: "day", format: "number" });
    const upward = /<path d="([^"]+)" fill="#2e9e5b"/.exec(chart)?.[1] ?? "";
    const columns = upward.match(/M/g)?.length ?? 0;
    expect(columns).toBeGreaterThan(400);
    expect(columns).toBeLessThanOrEqual(501);
    expect(chart).toContain('<span class="missing"');
    expect(chart.length).toBeLessThan(60_000);
  });

  it("breaks a waterfall's axis where it cannot start at zero, and says so", () => {
    const steps = [
      { label: "Start", value: 87.9e9, level: true },
      { label: "Flows", value: 2.6e9 },
      { label: "Price", value: 22.9e9 },
      { label: "End", value: 113.4e9, level: true },
    ];
    const broken = waterfallChart("a week", steps);
    expect(broken).toContain("chart-break");
    expect(broken).toContain('style="fill:var(--bg)"');
    const small = waterfallChart("from zero", [
      { label: "Start", value: 10e9, level: true },
      { label: "Flows", value: 8e9 },
      { label: "End", value: 18e9, level: true },
    ]);
    expect(small).not.toContain("chart-break");
    expect(small).toContain(">$0<");
  });

  it("shades spans and moves nearby markers down a row", () => {
    expect(markerRows([0.1, 0.12, 0.13, 0.5])).toEqual([0, 1, 2, 0]);
    const points = dates(100).map((date, i) => ({ date, value: i }));
    const chart = lineChart("regimes", points, {
      format: "number",
      bands: [{ from: "2015-01-10", to: "2015-02-10", color: "#2e9e5b" }],
    });
    expect(chart).toMatch(/<path d="M[\d.]+,0H[\d.]+V400H[\d.]+Z" fill="#2e9e5b" fill-opacity="0.14"\/>/);
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

describe("a fund's week digests (what a weekly report's fingerprint is made of)", () => {
  // 2015-01-01 is a Thursday: 40 days are the end of one ISO week and five more, partly.
  const rows = dates(40).map(row);
  const monday = (date: string) => toDayNumber(isoWeekMonday(isoWeek(date)));

  it("changes only the week of a changed figure, and covers every day of the rows", () => {
    const before = toHistory(rows);
    const changed = toHistory(
      rows.map((r) => (r.date === "2015-01-21" ? { ...r, fee_effect_usd: "-0.02" } : r)),
    );
    const weeks = computeWeekDigests(before).digests.length / 32;
    expect(weeks).toBe(7);
    for (const date of ["2015-01-01", "2015-01-05", "2015-01-19", "2015-01-26", "2015-02-09"]) {
      const same = weekDigest(before, monday(date))?.join() === weekDigest(changed, monday(date))?.join();
      expect({ date, same }).toEqual({ date, same: date !== "2015-01-19" });
    }
    expect(weekDigest(before, monday("2014-12-22"))).toBeUndefined();
    expect(weekDigest(before, monday("2015-02-16"))).toBeUndefined();
  });

  it("are the same whether kept with the rows or computed again", () => {
    const history = toHistory(rows);
    const kept = { ...history, weeks: computeWeekDigests(history) };
    expect(weekDigests(kept)).toBe(kept.weeks);
    expect(weekDigests(history).digests).toEqual(kept.weeks.digests);
  });
});
