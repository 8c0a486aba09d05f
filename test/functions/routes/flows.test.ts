import { describe, expect, it } from "vitest";
import { call, freshTicker, json, putFund, tableCount } from "../helpers/api.ts";

let fund = "IBIT";
const day = (date: string, net_flow_usd: string | number, extra: object = {}) => ({
  fund,
  date,
  net_flow_usd,
  ...extra,
});

async function seedPrices() {
  const prices = [
    "2024-01-10",
    "2024-01-11",
    "2024-01-12",
    "2024-01-13",
    "2024-01-14",
    "2024-01-15",
    "2024-01-16",
  ].map((date, i) => ({ asset: "BTC", date, close_usd: String(46000 + i * 100) }));
  const result = await json("/v1/prices", { body: { prices } });
  expect(result.status).toBe(200);
}

describe("POST /v1/flows", () => {
  it("stores a batch, then answers a replay of the same rows as unchanged", async () => {
    fund = freshTicker();
    await putFund(fund);
    await seedPrices();
    const body = { flows: [day("2024-01-11", "111700000.00"), day("2024-01-12", 386000000)] };
    const first = await json("/v1/flows", { body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ inserted: 2, restated: 0, unchanged: 0 });
    const again = await json("/v1/flows", { body });
    expect(again.body).toMatchObject({
      inserted: 0,
      restated: 0,
      unchanged: 2,
      data_version: first.body.data_version,
    });
    const daily = await json<{ rows: { date: string; state: string; net_flow_usd: string | null }[] }>(
      `/v1/funds/${fund}/daily`,
    );
    expect(daily.status).toBe(200);
    expect(daily.body.rows.map((row) => [row.date, row.state, row.net_flow_usd])).toEqual([
      ["2024-01-11", "final", "111700000.00"],
      ["2024-01-12", "final", "386000000.00"],
    ]);
  });

  it("refuses the whole batch when one row is bad, naming every bad field", async () => {
    fund = freshTicker();
    await putFund(fund);
    const before = await tableCount("flows");
    const result = await json<{ errors: { pointer: string; detail: string }[] }>("/v1/flows", {
      body: {
        flows: [
          day("2024-01-11", "1.00"),
          day("2024-01-15", "2.00"),
          day("2024-01-12", "1.001"),
          { fund: "NOPE", date: "2024-02-30", net_flow_usd: "x" },
        ],
      },
    });
    expect(result.status).toBe(422);
    expect(result.headers.get("content-type")).toContain("application/problem+json");
    const pointers = result.body.errors.map((error) => error.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(["/flows/1/date", "/flows/2/net_flow_usd", "/flows/3/date"]),
    );
    expect(result.body.errors.find((error) => error.pointer === "/flows/1/date")?.detail).toContain(
      "Martin Luther King Jr. Day",
    );
    expect(await tableCount("flows")).toBe(before);
  });

  it("keeps the old value visible as_of before a restatement", async () => {
    fund = freshTicker();
    await putFund(fund);
    await seedPrices();
    await json("/v1/flows", { body: { flows: [day("2024-01-11", "0.00", { status: "provisional" })] } });
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const restated = await json("/v1/flows", { body: { flows: [day("2024-01-11", "111700000.00")] } });
    expect(restated.body).toMatchObject({ inserted: 0, restated: 1 });
    const now = await json<{ flows: { net_flow_usd: string; status: string }[] }>(`/v1/flows?fund=${fund}`);
    expect(now.body.flows).toMatchObject([{ net_flow_usd: "111700000.00", status: "final" }]);
    const then = await json<{ flows: { net_flow_usd: string; status: string }[] }>(
      `/v1/flows?fund=${fund}&as_of=${between}`,
    );
    expect(then.body.flows).toMatchObject([{ net_flow_usd: "0.00", status: "provisional" }]);
    type Daily = { rows: { date: string; net_flow_usd: string; aum_usd: string; state: string }[] };
    const dailyThen = await json<Daily>(`/v1/funds/${fund}/daily?as_of=${between}`);
    const dailyNow = await json<Daily>(`/v1/funds/${fund}/daily`);
    expect(dailyThen.body.rows[0]).toMatchObject({
      date: "2024-01-11",
      state: "provisional",
      net_flow_usd: "0.00",
      aum_usd: "0.00",
    });
    expect(dailyNow.body.rows[0]).toMatchObject({
      date: "2024-01-11",
      state: "final",
      net_flow_usd: "111700000.00",
    });
    expect(dailyNow.body.rows[0]?.aum_usd).not.toBe("0.00");
    const revisions = await json<{ revisions: { old_value: unknown; new_value: unknown }[] }>(
      `/v1/revisions?entity=flow&subject=${fund}`,
    );
    expect(revisions.body.revisions.at(-1)).toMatchObject({
      old_value: { net_flow_usd: "0.00", status: "provisional" },
      new_value: { net_flow_usd: "111700000.00", status: "final" },
    });
  });

  it("answers 401 without a token", async () => {
    const response = await call("/v1/flows", { token: null, body: { flows: [] } });
    expect(response.status).toBe(401);
  });
});

describe("provisional figures", () => {
  it("never replace a final figure of the same source (a stale placeholder re-imported)", async () => {
    fund = freshTicker();
    await putFund(fund);
    await seedPrices();
    await json("/v1/flows", { body: { flows: [day("2024-01-11", "5.00")] } });
    const stale = await json("/v1/flows", {
      body: { flows: [day("2024-01-11", "0.00", { status: "provisional" })] },
    });
    expect(stale.body).toMatchObject({ inserted: 0, restated: 0, unchanged: 1 });
    const flows = await json<{ flows: { net_flow_usd: string; status: string }[] }>(`/v1/flows?fund=${fund}`);
    expect(flows.body.flows).toMatchObject([{ net_flow_usd: "5.00", status: "final" }]);
  });
});

describe("several sources for one fund-day", () => {
  it("uses the first source to report the fund, shows the others with their difference, and follows an admin's ranking", async () => {
    fund = freshTicker();
    await putFund(fund);
    await seedPrices();
    await json("/v1/flows", { body: { flows: [day("2024-01-11", "100.00", { source: "farside" })] } });
    await json("/v1/flows", { body: { flows: [day("2024-01-11", "90.00", { source: "issuer" })] } });
    const flows = await json<{ flows: { source: string; used: boolean; difference_usd: string }[] }>(
      `/v1/flows?fund=${fund}`,
    );
    expect(flows.body.flows).toMatchObject([
      { source: "farside", used: true, difference_usd: "0.00" },
      { source: "issuer", used: false, difference_usd: "-10.00" },
    ]);
    const before = await json<{ rows: { net_flow_usd: string }[] }>(`/v1/funds/${fund}/daily`);
    expect(before.body.rows[0]?.net_flow_usd).toBe("100.00");
    const ranked = await json(`/v1/sources/${fund}`, { method: "PUT", body: { sources: ["issuer"] } });
    expect(ranked.body).toMatchObject({ sources: ["issuer", "farside"] });
    const after = await json<{ rows: { net_flow_usd: string }[] }>(`/v1/funds/${fund}/daily`);
    expect(after.body.rows[0]?.net_flow_usd).toBe("90.00");
    // A ranking is a write like any other: one revision, and the same ranking again changes nothing.
    const version = async () => (await json<{ data_version: number }>("/v1/health")).body.data_version;
    const rankedAt = await version();
    await json(`/v1/sources/${fund}`, { method: "PUT", body: { sources: ["issuer"] } });
    expect(await version()).toBe(rankedAt);
    const log = await json<{ revisions: { old_value: unknown; new_value: unknown }[] }>(
      `/v1/revisions?subject=${fund}&entity=source_rank`,
    );
    expect(log.body.revisions).toHaveLength(1);
  });
});
