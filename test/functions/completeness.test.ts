// Days being filled in fund by fund, through the API: completeness and the awaited funds on every
// aggregate row, and the summary's headline on the last complete day. The tests run in order on one
// store: each step adds the figures the next one reads.
import { beforeAll, describe, expect, it } from "vitest";
import { AggregateRowSchema } from "../../functions/routes/aggregate-schema.ts";
import type { AggregateRow, Summary } from "../../shared/export.ts";
import { call, freshTicker, json, putFund, wholeExport } from "./helpers/api.ts";

// Two BTC funds of one issuer on XNAS, listed on Thursday 2024-01-11. Saturday 13th, Sunday 14th and
// Monday 15th (Martin Luther King Jr. Day) are closed.
const issuer = `Completeness ${freshTicker("I")}`;
const a = freshTicker("A");
const b = freshTicker("B");
const [first, second] = [a, b].sort() as [string, string];

const flow = (fund: string, date: string, net_flow_usd: string, status = "final") => ({
  fund,
  date,
  net_flow_usd,
  status,
});

async function post(flows: object[]) {
  const result = await json("/v1/flows", { body: { flows } });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
}

async function rows(query: string): Promise<AggregateRow[]> {
  const result = await json<{ rows: AggregateRow[] }>(`/v1/aggregate?${query}`);
  expect(result.status).toBe(200);
  return result.body.rows;
}

const state = (row: AggregateRow | undefined) =>
  row && [row.label, row.completeness, row.awaiting, row.funds_missing, row.funds_provisional];

beforeAll(async () => {
  await putFund(a, { issuer, listed_on: "2024-01-11" });
  await putFund(b, { issuer, listed_on: "2024-01-11" });
  const prices = ["10", "11", "12", "13", "14", "15", "16", "17"].map((day, i) => ({
    asset: "BTC",
    date: `2024-01-${day}`,
    close_usd: String(46000 + i * 100),
  }));
  expect((await json("/v1/prices", { body: { prices } })).status).toBe(200);
  // A reports Thursday, Friday and Wednesday; B Thursday and, provisionally, Friday. Tuesday the 16th
  // has no figure yet from either.
  await post([
    flow(a, "2024-01-11", "100000000.00"),
    flow(a, "2024-01-12", "-20000000.00"),
    flow(a, "2024-01-17", "30000000.00"),
    flow(b, "2024-01-11", "50000000.00"),
    flow(b, "2024-01-12", "5000000.00", "provisional"),
  ]);
});

describe("completeness while a day is being filled in", () => {
  it("shows each day of the asset, the issuer and the total as complete, partial, none or closed", async () => {
    const expected = [
      ["2024-01-11", "complete", [], 0, 0],
      // A provisional figure is a figure.
      ["2024-01-12", "complete", [], 0, 1],
      ["2024-01-13", null, [], 0, 0],
      ["2024-01-14", null, [], 0, 0],
      ["2024-01-15", null, [], 0, 0],
      ["2024-01-16", "none", [first, second], 2, 0],
      ["2024-01-17", "partial", [b], 1, 0],
    ];
    for (const query of ["by=asset&key=BTC", `by=issuer&key=${encodeURIComponent(issuer)}`, "by=total"]) {
      const days = await rows(`${query}&period=day&from=2024-01-11&to=2024-01-17`);
      expect(days.map(state), query).toEqual(expected);
      expect(days.find((row) => row.label === "2024-01-17")?.net_flow_usd).toBe("30000000.00");
    }
  });

  it("rolls the days up: a week is complete only when each of its trading days is", async () => {
    const weeks = await rows("by=asset&key=BTC&period=week");
    expect(weeks.map(state)).toEqual([
      ["2024-W02", "complete", [], 0, 1],
      ["2024-W03", "partial", [first, second], 3, 0],
    ]);
    const [month] = await rows("by=total&period=month");
    expect(state(month)).toEqual(["2024-01", "partial", [first, second], 3, 1]);
  });

  it("describes every row field in the OpenAPI schema and puts the awaited funds in one CSV cell", async () => {
    const [row] = await rows("by=total&period=day&from=2024-01-17&to=2024-01-17");
    expect(AggregateRowSchema.strict().parse(row)).toEqual(row);
    const document = await json<{ components: { schemas: Record<string, { properties: object }> } }>(
      "/v1/openapi.json",
    );
    expect(Object.keys(document.body.components.schemas.AggregateRow?.properties ?? {})).toEqual(
      Object.keys(row as object),
    );
    const csv = await (await call("/v1/aggregate?by=total&period=day&from=2024-01-16&format=csv")).text();
    const [header, sixteenth] = csv
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(","));
    const cell = (name: string) => sixteenth?.[header?.indexOf(name) ?? -1];
    expect([cell("completeness"), cell("awaiting"), cell("funds_missing")]).toEqual([
      "none",
      `${first};${second}`,
      "2",
    ]);
  });

  it("gives the summary's headline for the last complete day and says the report date is partial", async () => {
    const { body: summary } = await json<Summary>("/v1/summary");
    expect(summary).toMatchObject({
      report_date: "2024-01-17",
      report_date_completeness: "partial",
      report_date_awaiting: [b],
      headline_date: "2024-01-12",
      net_flow_usd: "-15000000.00",
      top_inflows: [{ fund: b, net_flow_usd: "5000000.00" }],
      top_outflows: [{ fund: a, net_flow_usd: "-20000000.00" }],
    });
    expect(summary.changes?.day).toMatchObject({ from: "2024-01-12", to: "2024-01-12" });
    const [total] = await rows("by=total&period=day&from=2024-01-12&to=2024-01-12");
    expect(summary.total_aum_usd).toBe(total?.aum_usd);
    expect(summary.by_asset.find((row) => row.asset === "BTC")).toEqual({
      asset: "BTC",
      aum_usd: total?.aum_usd,
      headline_date: "2024-01-12",
      net_flow_usd: "-15000000.00",
      report_date: "2024-01-17",
      completeness: "partial",
      awaiting: [b],
    });
  });

  it("carries the same completeness in the export the site is built from", async () => {
    const body = await wholeExport();
    const total = (period: "day" | "week", label: string) =>
      body.aggregates[period].find((row) => row.by === "total" && row.label === label);
    expect(state(total("day", "2024-01-17"))).toEqual(["2024-01-17", "partial", [b], 1, 0]);
    expect(state(total("week", "2024-W03"))).toEqual(["2024-W03", "partial", [first, second], 3, 0]);
    expect(body.summary.headline_date).toBe("2024-01-12");
  });

  it("turns the days complete once the other fund reports, and moves the headline to the report date", async () => {
    await post([
      flow(a, "2024-01-16", "1000000.00"),
      flow(b, "2024-01-16", "-2000000.00"),
      flow(b, "2024-01-17", "4000000.00"),
    ]);
    const days = await rows("by=asset&key=BTC&period=day&from=2024-01-16");
    expect(days.map(state)).toEqual([
      ["2024-01-16", "complete", [], 0, 0],
      ["2024-01-17", "complete", [], 0, 0],
    ]);
    expect(days[1]?.net_flow_usd).toBe("34000000.00");
    const { body: summary } = await json<Summary>("/v1/summary");
    expect(summary).toMatchObject({
      report_date: "2024-01-17",
      report_date_completeness: "complete",
      report_date_awaiting: [],
      headline_date: "2024-01-17",
      net_flow_usd: "34000000.00",
    });
    expect(summary.by_asset.find((row) => row.asset === "BTC")).toMatchObject({
      headline_date: "2024-01-17",
      completeness: "complete",
      awaiting: [],
    });
  });
});
