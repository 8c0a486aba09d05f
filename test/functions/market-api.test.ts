// The write contract the 2024–2026 market needs, in workerd with real D1: when the public saw a value
// (observed_at), withdrawn figures, a final figure beating another source's placeholder, funds whose
// metadata is not known, seeds, ticker changes and fee changes as corporate actions, and the price
// cross-check between sources.
import { describe, expect, it } from "vitest";
import { freshTicker, json, putFund } from "./helpers/api.ts";

type Flow = { net_flow_usd: string | null; status: string; used: boolean; reason: string; source: string };
type Daily = {
  rows: {
    date: string;
    state: string;
    net_flow_usd: string | null;
    units: string;
    other_effect_usd: string;
  }[];
};

async function prices(asset = "BTC") {
  const days = ["2025-11-13", "2025-11-14", "2025-11-15", "2025-11-16", "2025-11-17", "2025-11-18"];
  const body = { prices: days.map((date) => ({ asset, date, close_usd: "50000" })) };
  expect((await json("/v1/prices", { body })).status).toBe(200);
}

async function provider(name: string): Promise<string> {
  const created = await json<{ token: string }>("/v1/tokens", {
    body: { name, scopes: ["flows:write"], funds: null },
  });
  expect(created.status).toBe(201);
  return created.body.token;
}

describe("observed_at: when the public saw a value", () => {
  it("reads as_of by the time a value was seen, and keeps each key's history in order", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-14" });
    await prices();
    const first = { fund, date: "2025-11-17", net_flow_usd: "0", source: "farside" };
    const seen = await json("/v1/flows", { body: { flows: [first], observed_at: "2025-11-18T00:30:30Z" } });
    expect(seen.status).toBe(200);
    const later = { ...first, net_flow_usd: "-145600000", observed_at: "2025-11-18T05:00:31Z" };
    expect((await json("/v1/flows", { body: { flows: [later] } })).status).toBe(200);

    const at = async (moment: string) =>
      (await json<{ flows: Flow[] }>(`/v1/flows?fund=${fund}&as_of=${moment}`)).body.flows;
    expect(await at("2025-11-18T00:00:00Z")).toEqual([]);
    expect((await at("2025-11-18T01:00:00Z"))[0]?.net_flow_usd).toBe("0.00");
    expect((await at("2025-11-18T06:00:00Z"))[0]?.net_flow_usd).toBe("-145600000.00");
    const daily = await json<Daily>(`/v1/funds/${fund}/daily?as_of=2025-11-18T01:00:00Z`);
    expect(daily.body.rows.find((row) => row.date === "2025-11-17")?.net_flow_usd).toBe("0.00");

    // Replaying a history backwards would make the latest value an older one: refused.
    const stale = { ...first, net_flow_usd: "5", observed_at: "2025-11-18T03:00:00Z" };
    const refused = await json<{ errors: { pointer: string }[] }>("/v1/flows", { body: { flows: [stale] } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((error) => error.pointer)).toEqual(["/flows/0/observed_at"]);
    const revisions = await json<{ revisions: { observed_at: string | null; subject: string }[] }>(
      `/v1/revisions?subject=${fund}&entity=flow`,
    );
    expect(revisions.body.revisions.map((row) => row.observed_at)).toEqual([
      "2025-11-18T00:30:30.000Z",
      "2025-11-18T05:00:31.000Z",
    ]);
  });

  it("is for admins only, and never in the future", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-14" });
    const row = { fund, date: "2025-11-17", net_flow_usd: "1", observed_at: "2025-11-18T00:30:30Z" };
    expect((await json("/v1/flows", { token: await provider("feed"), body: { flows: [row] } })).status).toBe(
      403,
    );
    const future = { ...row, observed_at: "2999-01-01T00:00:00Z" };
    const refused = await json<{ errors: { pointer: string }[] }>("/v1/flows", { body: { flows: [future] } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((error) => error.pointer)).toContain("/flows/0/observed_at");
  });
});

describe("flow precedence", () => {
  it("shows a withdrawn figure as missing, never as 0", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-14" });
    await prices();
    const placeholder = {
      fund,
      date: "2025-11-17",
      net_flow_usd: "0",
      status: "provisional",
      source: "farside",
    };
    expect((await json("/v1/flows", { body: { flows: [placeholder] } })).status).toBe(200);
    const withdrawn = { fund, date: "2025-11-17", status: "withdrawn", source: "farside" };
    const result = await json("/v1/flows", { body: { flows: [withdrawn] } });
    expect(result.body).toMatchObject({ restated: 1 });
    const daily = await json<Daily>(`/v1/funds/${fund}/daily`);
    expect(daily.body.rows.find((row) => row.date === "2025-11-17")).toMatchObject({
      state: "missing",
      net_flow_usd: null,
    });
    const bad = await json<{ errors: { pointer: string }[] }>("/v1/flows", {
      body: {
        flows: [
          { ...withdrawn, net_flow_usd: "1" },
          { fund, date: "2025-11-18" },
        ],
      },
    });
    expect(bad.body.errors.map((error) => error.pointer)).toEqual([
      "/flows/0/net_flow_usd",
      "/flows/1/net_flow_usd",
    ]);
  });

  it("uses another source's final figure over the top source's provisional one, and says why", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-14" });
    await prices();
    const placeholder = {
      fund,
      date: "2025-11-17",
      net_flow_usd: "0",
      status: "provisional",
      source: "farside",
    };
    expect((await json("/v1/flows", { body: { flows: [placeholder] } })).status).toBe(200);
    const issuer = await provider(`issuer-${fund}`);
    const final = { fund, date: "2025-11-17", net_flow_usd: "-12000000" };
    expect((await json("/v1/flows", { token: issuer, body: { flows: [final] } })).status).toBe(200);
    const { flows } = (await json<{ flows: Flow[] }>(`/v1/flows?fund=${fund}`)).body;
    expect(flows.map((row) => [row.source, row.used])).toEqual([
      [`issuer-${fund}`, true],
      ["farside", false],
    ]);
    expect(flows[1]?.reason).toContain("final figure is used");
    const daily = await json<Daily>(`/v1/funds/${fund}/daily`);
    expect(daily.body.rows.find((row) => row.date === "2025-11-17")).toMatchObject({
      state: "final",
      net_flow_usd: "-12000000.00",
    });
  });
});

describe("the market's funds and corporate actions", () => {
  it("stores unknown metadata as null and trades a US fund of unknown venue on the NYSE calendar", async () => {
    const fund = freshTicker();
    const unknown = { name: null, issuer: null, vehicle: null, exchange: null, fee_bps: null };
    await putFund(fund, { listed_on: "2025-11-14", ...unknown } as never);
    const one = await json<Record<string, unknown>>(`/v1/funds/${fund}`);
    expect(one.body).toMatchObject(unknown);
    const holiday = { fund, date: "2025-11-27", net_flow_usd: "1" };
    const refused = await json<{ errors: { detail: string }[] }>("/v1/flows", { body: { flows: [holiday] } });
    expect(refused.body.errors[0]?.detail).toContain("XNYS was closed on 2025-11-27 (Thanksgiving Day)");
  });

  it("opens a fund with its seed at the close of the day before listing, not as a flow", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-17" });
    await prices();
    const seed = {
      type: "seed",
      fund,
      date: "2025-11-17",
      usd: "10000000",
      derived: true,
      source: "farside",
    };
    expect((await json("/v1/events", { body: { events: [seed] } })).status).toBe(200);
    const flow = { fund, date: "2025-11-17", net_flow_usd: "5000000" };
    expect((await json("/v1/flows", { body: { flows: [flow] } })).status).toBe(200);
    const daily = await json<Daily & { rows: { cumulative_flow_usd: string }[] }>(`/v1/funds/${fund}/daily`);
    // $10M at the 16 Nov close of 50,000 is 200 BTC, credited on the listing day, and $5M another 100
    // (no fee yet: nothing was held the day before); only the $5M is a flow.
    expect(daily.body.rows[0]).toMatchObject({ units: "300.00000000", net_flow_usd: "5000000.00" });
    expect((daily.body.rows[0] as { cumulative_flow_usd: string }).cumulative_flow_usd).toBe("5000000.00");
    const wrongDate = { ...seed, date: "2025-11-18" };
    expect((await json("/v1/events", { body: { events: [wrongDate] } })).status).toBe(422);
  });

  it("keeps one fund through a ticker change: the former ticker is accepted by reads and writes", async () => {
    const now = freshTicker("N");
    const former = freshTicker("F");
    await putFund(now, { listed_on: "2025-11-14" });
    await prices();
    const change = { type: "ticker_change", fund: former, date: "2025-11-15", new_ticker: now };
    expect((await json("/v1/events", { body: { events: [change] } })).status).toBe(200);
    const flow = { fund: former, date: "2025-11-17", net_flow_usd: "7000000" };
    expect((await json("/v1/flows", { body: { flows: [flow] } })).status).toBe(200);
    const { flows } = (await json<{ flows: (Flow & { fund: string })[] }>(`/v1/flows?fund=${former}`)).body;
    expect(flows.map((row) => row.fund)).toEqual([now]);
    expect((await json<Record<string, unknown>>(`/v1/funds/${former}`)).body).toMatchObject({ ticker: now });
    const rename = { type: "ticker_change", fund: now, date: "2025-11-16", new_ticker: freshTicker("X") };
    expect((await json("/v1/events", { body: { events: [rename] } })).status).toBe(422);
  });

  it("accepts fee changes, distributions and staking rewards, each checked", async () => {
    const fund = freshTicker();
    await putFund(fund, { listed_on: "2025-11-14" });
    const events = [
      { type: "fee_change", fund, date: "2025-11-17", fee_bps: 35 },
      { type: "distribution", fund, ex_date: "2025-11-18", usd: "9390000.00" },
      { type: "staking_reward", fund, date: "2025-11-18", units: "1.5" },
    ];
    expect((await json("/v1/events", { body: { events } })).body).toMatchObject({ inserted: 3 });
    const bad = [
      { type: "distribution", fund, ex_date: "2025-11-18", usd: "1", units: "1" },
      { type: "staking_reward", fund, date: "2025-11-18", units: "0.0000000001" },
    ];
    const refused = await json<{ errors: { pointer: string }[] }>("/v1/events", { body: { events: bad } });
    expect(refused.body.errors.map((error) => error.pointer)).toEqual(["/events/0/usd", "/events/1/units"]);
  });
});

describe("GET /v1/prices", () => {
  it("uses the highest-ranked source and shows the other's difference", async () => {
    const asset = "SOL";
    const body = {
      prices: [
        { asset, date: "2026-06-24", close_usd: "67.5", source: "yahoo" },
        { asset, date: "2026-06-24", close_usd: "67.94878", source: "coingecko" },
      ],
    };
    expect((await json("/v1/prices", { body })).status).toBe(200);
    const ranked = await json("/v1/sources/SOL", {
      method: "PUT",
      body: { sources: ["coingecko", "yahoo"] },
    });
    expect(ranked.status).toBe(200);
    const { prices } = (
      await json<{ prices: { source: string; used: boolean; difference_usd: string }[] }>(
        "/v1/prices?asset=SOL&from=2026-06-24&to=2026-06-24",
      )
    ).body;
    expect(prices).toMatchObject([
      { source: "coingecko", used: true, difference_usd: "0.00000000" },
      { source: "yahoo", used: false, difference_usd: "-0.44878000" },
    ]);
  });
});

describe("fund mechanics since 2025", () => {
  it("adds an asset with its decimals, refuses a seventh XRP decimal, and never changes decimals in use", async () => {
    expect((await json("/v1/assets/XRP", { method: "PUT", body: { name: "XRP", decimals: 6 } })).status).toBe(
      200,
    );
    const fund = freshTicker("X");
    await putFund(fund, { asset: "XRP", listed_on: "2025-11-14", staking_policy: "none" } as never);
    const holding = { fund, date: "2025-11-14", units: "1000.1234567" };
    const refused = await json<{ errors: { pointer: string }[] }>("/v1/holdings", {
      body: { holdings: [holding] },
    });
    expect(refused.body.errors.map((error) => error.pointer)).toEqual(["/holdings/0/units"]);
    const again = await json("/v1/assets/XRP", { method: "PUT", body: { name: "XRP", decimals: 8 } });
    expect(again.status).toBe(422);
    expect((await json<Record<string, unknown>>(`/v1/funds/${fund}`)).body).toMatchObject({
      staking_policy: "none",
    });
  });

  it("carries income and distributions as their own terms, in /daily and /aggregate", async () => {
    const fund = freshTicker("S");
    await putFund(fund, { asset: "SOL", listed_on: "2025-11-14", fee_bps: 0 } as never);
    const closes = ["2025-11-14", "2025-11-15", "2025-11-16", "2025-11-17"].map((date) => ({
      asset: "SOL",
      date,
      close_usd: "100",
    }));
    expect((await json("/v1/prices", { body: { prices: closes } })).status).toBe(200);
    const flow = { fund, date: "2025-11-14", net_flow_usd: "100000" };
    expect((await json("/v1/flows", { body: { flows: [flow] } })).status).toBe(200);
    const events = [
      { type: "staking_reward", fund, date: "2025-11-15", units: "2" },
      { type: "distribution", fund, ex_date: "2025-11-17", usd: "300" },
    ];
    expect((await json("/v1/events", { body: { events } })).status).toBe(200);
    const { rows } = (
      await json<{ rows: Record<string, string>[] }>(`/v1/funds/${fund}/daily?from=2025-11-15&to=2025-11-17`)
    ).body;
    expect(rows.map((row) => [row.income_effect_usd, row.distribution_effect_usd, row.units])).toEqual([
      ["200.00", "0.00", "1002.000000000"],
      ["0.00", "0.00", "1002.000000000"],
      ["0.00", "-300.00", "999.000000000"],
    ]);
    // The only SOL fund of this file: the asset's day carries its distribution, the week its income too.
    const day = await json<{ rows: Record<string, string>[] }>(
      "/v1/aggregate?by=asset&key=SOL&period=day&from=2025-11-17&to=2025-11-17",
    );
    expect(day.body.rows[0]).toMatchObject({ distribution_effect_usd: "-300.00", income_effect_usd: "0.00" });
    const week = await json<{ rows: Record<string, string>[] }>(
      "/v1/aggregate?by=asset&key=SOL&period=week&from=2025-11-10&to=2025-11-16",
    );
    expect(week.body.rows[0]).toMatchObject({ income_effect_usd: "200.00" });
  });
});

describe("fee schedules through the API", () => {
  it("accrues the fee in force on each side of a change, and inside a waiver's threshold", async () => {
    const fund = freshTicker("W");
    await putFund(fund, { listed_on: "2025-11-13", fee_bps: 730 });
    await prices();
    const mark = { fund, date: "2025-11-13", units: "1000" };
    expect((await json("/v1/holdings", { body: { holdings: [mark] } })).status).toBe(200);
    // 730 bps (0.02% a day) until 15 Nov; from 16 Nov 365 bps, waived to 0 on the first $10M (200 BTC at 50,000).
    const change = {
      type: "fee_change",
      fund,
      date: "2025-11-16",
      fee_bps: 365,
      waiver: { fee_bps: 0, up_to_usd: "10000000" },
    };
    expect((await json("/v1/events", { body: { events: [change] } })).status).toBe(200);
    const { rows } = (await json<{ rows: Record<string, string>[] }>(`/v1/funds/${fund}/daily?to=2025-11-16`))
      .body;
    expect(rows.map((row) => [row.date, row.units])).toEqual([
      ["2025-11-13", "1000.00000000"],
      ["2025-11-14", "999.80000000"],
      ["2025-11-15", "999.60004000"],
      // 799.60004 BTC above the waived 200 at 0.01%: 0.07996000 (half-even).
      ["2025-11-16", "999.52008000"],
    ]);
    const summary = await json<{ fee_history: unknown[] }>(`/v1/funds/${fund}`);
    expect(summary.body.fee_history).toEqual([
      { date: "2025-11-16", fee_bps: 365, waiver: { fee_bps: 0, until: null, up_to_usd: "10000000.00" } },
    ]);
  });
});
