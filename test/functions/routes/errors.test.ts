// Every fault of a request in one answer (schema and reference checks together), tokens limited to funds
// that exist, amounts with stray spaces, and writes that survive D1's transient errors, in workerd with
// real D1.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../functions/app.ts";
import { ADMIN, type Call, FUND, freshTicker, json, putFund, tableCount } from "../helpers/api.ts";

type Problem = { status: number; detail: string; errors: { pointer: string; detail: string }[] };

const pointers = (problem: Problem) => problem.errors.map((error) => error.pointer).sort();

async function refused(path: string, body: unknown, method = "POST", token?: string): Promise<Problem> {
  const answer = await json<Problem>(path, { method, body, ...(token && { token }) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(422);
  expect(answer.headers.get("content-type")).toContain("application/problem+json");
  return answer.body;
}

async function prices(days: string[], asset = "BTC") {
  const body = { prices: days.map((date) => ({ asset, date, close_usd: "45000" })) };
  expect((await json("/v1/prices", { body })).status).toBe(200);
}

describe("every fault of a request in one answer", () => {
  it("PUT /v1/funds/{ticker}: six bad fields, six errors (schema and reference checks together)", async () => {
    const ticker = freshTicker("S");
    const body = {
      ...FUND,
      name: "", // schema: empty
      vehicle: "etf", // schema: not a vehicle
      country: "USA", // schema: not alpha-2
      fee_bps: -1, // schema: negative
      asset: "XYZ", // reference: no such asset
      listed_on: "2024-01-13", // reference: a Saturday, XNAS closed
    };
    const problem = await refused(`/v1/funds/${ticker}`, body, "PUT");
    expect(pointers(problem)).toEqual(["/asset", "/country", "/fee_bps", "/listed_on", "/name", "/vehicle"]);
    expect(problem.detail).toBe("6 fields are invalid; see errors.");
    expect(problem.errors.find((error) => error.pointer === "/listed_on")?.detail).toMatch(/XNAS was closed/);
    expect((await json(`/v1/funds/${ticker}`)).status).toBe(404);

    // With the schema faults fixed, nothing new comes up: the reference faults were already named.
    const fixed = { ...body, name: "Fixed", vehicle: "spot_etf", country: "US", fee_bps: 25 };
    expect(pointers(await refused(`/v1/funds/${ticker}`, fixed, "PUT"))).toEqual(["/asset", "/listed_on"]);
  });

  it("does not judge a closure on an exchange that failed its schema", async () => {
    const problem = await refused(
      `/v1/funds/${freshTicker("S")}`,
      { ...FUND, exchange: "nasdaq", listed_on: "2024-01-13", asset: "XYZ" },
      "PUT",
    );
    expect(pointers(problem)).toEqual(["/asset", "/exchange"]);
  });

  it("POST /v1/funds: every row's schema and reference faults, and repeated tickers, together", async () => {
    const a = freshTicker("A");
    const b = freshTicker("B");
    const body = {
      funds: [
        { ...FUND, ticker: a, fee_bps: 2.5, exchange: "XLON" },
        { ...FUND, ticker: b, vehicle: "etf", asset: "XYZ", listed_on: "2024-07-04" },
        { ...FUND, ticker: a, name: null },
      ],
    };
    const problem = await refused("/v1/funds", body);
    expect(pointers(problem)).toEqual([
      "/funds/0/exchange",
      "/funds/0/fee_bps",
      "/funds/1/asset",
      "/funds/1/listed_on",
      "/funds/1/vehicle",
      "/funds/2/ticker",
    ]);
    expect((await json(`/v1/funds/${a}`)).status).toBe(404);
  });

  it("batch writes: a row that fails its schema still has its other fields checked", async () => {
    const fund = freshTicker("F");
    await putFund(fund);
    await prices(["2024-01-11", "2024-01-12"]);
    const flows = await refused("/v1/flows", {
      flows: [
        { fund: "NOPE", date: "2024-01-11", net_flow_usd: "1.005", status: "FINAL" },
        { fund, date: "2024-01-15", net_flow_usd: "1", extra: true },
        { fund, date: "2024-01-11", net_flow_usd: "-5.00", units: "0.5", source: "" },
        { fund, date: "2024-01-12", net_flow_usd: "3" },
      ],
    });
    expect(pointers(flows)).toEqual([
      "/flows/0/fund", // reference: unknown
      "/flows/0/net_flow_usd", // reference: three decimals
      "/flows/0/status", // schema
      "/flows/1/date", // reference: Martin Luther King Jr. Day
      "/flows/1/extra", // schema
      "/flows/2/source", // schema
      "/flows/2/units", // reference: the sign disagrees with the amount
    ]);
    // Errors are listed row by row.
    expect(flows.errors.map((error) => error.pointer.split("/")[2])).toEqual([
      "0",
      "0",
      "0",
      "1",
      "1",
      "2",
      "2",
    ]);

    const prices_ = await refused("/v1/prices", {
      prices: [{ asset: "XYZ", date: "2024-1-5", close_usd: "1.123456789" }],
    });
    expect(pointers(prices_)).toEqual(["/prices/0/asset", "/prices/0/close_usd", "/prices/0/date"]);

    const holdings = await refused("/v1/holdings", {
      holdings: [
        { fund, date: "11 Jan 2024", units: "-1" },
        { fund: "NOPE", date: "2024-01-11", units: true },
      ],
    });
    expect(pointers(holdings)).toEqual([
      "/holdings/0/date",
      "/holdings/0/units",
      "/holdings/1/fund",
      "/holdings/1/units",
    ]);

    const events = await refused("/v1/events", {
      events: [
        { type: "transfer", date: "2024-01-12", from_fund: fund, to_fund: "NOPE", units: "-1", note: 5 },
        { type: "seed", fund, date: "2024-01-12", usd: "1000", derived: "yes" },
        { type: "merger", date: "2024-01-12", fund },
      ],
    });
    expect(pointers(events)).toEqual([
      "/events/0/note", // schema
      "/events/0/to_fund", // reference: unknown
      "/events/0/units", // reference: not positive
      "/events/1/date", // reference: a seed is dated on the listing
      "/events/1/derived", // schema
      "/events/2/type", // schema: no such kind, nothing else can be judged
    ]);
    expect(await tableCount("holdings_marks")).toBe(0);
  });

  it("a token limited to other funds learns nothing about them from a faulty row", async () => {
    const mine = freshTicker("M");
    const theirs = freshTicker("T");
    await putFund(mine);
    await putFund(theirs);
    const created = await json<{ token: string }>("/v1/tokens", {
      body: { name: `limited-${freshTicker()}`, scopes: ["flows:write"], funds: [mine] },
    });
    const problem = await refused(
      "/v1/flows",
      { flows: [{ fund: theirs, date: "2024-01-15", net_flow_usd: "x", status: "nope" }] },
      "POST",
      created.body.token,
    );
    expect(pointers(problem)).toEqual(["/flows/0/status"]);
  });
});

describe("parameters named by their part of the request", () => {
  it("points at a query or path parameter the same way, whether its schema or the route refused it", async () => {
    const ticker = freshTicker("Q");
    await putFund(ticker);
    const cases: [string, Call, string[]][] = [
      ["/v1/flows?from=yesterday", {}, ["/query/from"]], // the schema
      ["/v1/flows?from=2024-02-01&to=2024-01-01", {}, ["/query/from"]], // the route's own check
      [`/v1/funds/${ticker}/daily?as_of=soon`, {}, ["/query/as_of"]],
      ["/v1/aggregate?period=fortnight", {}, ["/query/period"]],
      ["/v1/funds/ibit", {}, ["/path/ticker"]],
      ["/v1/funds/ibit", { method: "PUT", body: FUND }, ["/path/ticker"]],
      ["/v1/funds?dry_run=yes", { body: { funds: [{ ticker, ...FUND }] } }, ["/query/dry_run"]],
    ];
    for (const [path, options, expected] of cases) {
      const answer = await json<Problem>(path, options);
      expect(answer.status, path).toBe(422);
      expect(pointers(answer.body), path).toEqual(expected);
    }
  });
});

describe("tokens limited to funds", () => {
  it("refuses a fund that does not exist, naming it", async () => {
    const problem = await refused("/v1/tokens", { name: "feed", scopes: ["flows:write"], funds: ["NOPE"] });
    expect(problem.errors).toEqual([
      { pointer: "/funds/0", detail: "unknown fund NOPE; create it with PUT /v1/funds/NOPE first" },
    ]);
    const known = freshTicker("K");
    await putFund(known);
    const several = await refused("/v1/tokens", {
      name: "feed",
      scopes: ["flows:write"],
      funds: [known, "NOPE", "ZZZ9"],
    });
    expect(pointers(several)).toEqual(["/funds/1", "/funds/2"]);
    // With a schema fault beside it, both come in one answer.
    const both = await refused("/v1/tokens", { name: "", scopes: ["flows:write"], funds: [known, "NOPE"] });
    expect(pointers(both)).toEqual(["/funds/1", "/name"]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE name = 'feed'").first("n")).toBe(
      0,
    );
  });

  it("takes a former ticker as its fund, stores the fund's ticker, and writes under either", async () => {
    const now = freshTicker("N");
    const former = freshTicker("F");
    await putFund(now, { listed_on: "2024-01-11" });
    await prices(["2024-01-11", "2024-01-12", "2024-01-16"]);
    const change = { type: "ticker_change", fund: former, date: "2024-01-12", new_ticker: now };
    expect((await json("/v1/events", { body: { events: [change] } })).status).toBe(200);
    const created = await json<{ id: string; token: string; funds: string[] }>("/v1/tokens", {
      body: { name: `renamed-${freshTicker()}`, scopes: ["flows:write"], funds: [former, now] },
    });
    expect(created.status).toBe(201);
    expect(created.body.funds).toEqual([now]);
    const stored = await env.DB.prepare("SELECT funds FROM api_tokens WHERE id = ?")
      .bind(created.body.id)
      .first<string>("funds");
    expect(JSON.parse(stored ?? "null")).toEqual([now]);
    const token = created.body.token;
    for (const [fund, date] of [
      [former, "2024-01-12"],
      [now, "2024-01-16"],
    ]) {
      const written = await json("/v1/flows", {
        token,
        body: { flows: [{ fund, date, net_flow_usd: "1" }] },
      });
      expect(written.status, JSON.stringify(written.body)).toBe(200);
    }
  });
});

describe("decimals with stray spaces", () => {
  it("are refused in every amount field with a clear detail", async () => {
    const fund = freshTicker("D");
    await putFund(fund);
    await prices(["2024-01-11", "2024-01-12"]);
    const spaced = [" 5.00", "5.00 ", "5 .00", "5\u00a0000", "\t5"];
    const cases: { path: string; body: (amount: string) => unknown; at: string }[] = [
      {
        path: "/v1/flows",
        body: (amount) => ({ flows: [{ fund, date: "2024-01-11", net_flow_usd: amount }] }),
        at: "/flows/0/net_flow_usd",
      },
      {
        path: "/v1/flows",
        body: (amount) => ({ flows: [{ fund, date: "2024-01-11", net_flow_usd: "5", units: amount }] }),
        at: "/flows/0/units",
      },
      {
        path: "/v1/prices",
        body: (amount) => ({ prices: [{ asset: "BTC", date: "2024-01-11", close_usd: amount }] }),
        at: "/prices/0/close_usd",
      },
      {
        path: "/v1/holdings",
        body: (amount) => ({ holdings: [{ fund, date: "2024-01-11", units: amount }] }),
        at: "/holdings/0/units",
      },
      {
        path: "/v1/events",
        body: (amount) => ({ events: [{ type: "seed", fund, date: "2024-01-11", usd: amount }] }),
        at: "/events/0/usd",
      },
      {
        path: "/v1/events",
        body: (amount) => ({ events: [{ type: "staking_reward", fund, date: "2024-01-11", units: amount }] }),
        at: "/events/0/units",
      },
      {
        path: "/v1/events",
        body: (amount) => ({
          events: [
            {
              type: "fee_change",
              fund,
              date: "2024-01-12",
              fee_bps: 25,
              waiver: { fee_bps: 0, up_to_usd: amount },
            },
          ],
        }),
        at: "/events/0/waiver/up_to_usd",
      },
    ];
    for (const { path, body, at } of cases) {
      for (const amount of spaced) {
        const problem = await refused(path, body(amount));
        expect(problem.errors, `${path} ${JSON.stringify(amount)}`).toEqual([
          { pointer: at, detail: 'contains a space; send the number alone, such as "5.00"' },
        ]);
      }
      // The same amount without the spaces is taken.
      const taken = await json(`${path}?dry_run=true`, { body: body("5.00") });
      expect(taken.status, `${path} ${JSON.stringify(taken.body)}`).toBe(200);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// D1 never retries a write itself; the write path does, on its transient errors.

type Fault = "before" | "after" | "permanent";

/**
 * env.DB with one batch failing: the first write batch (the ledger's has six statements or more; the
 * reads before it fewer) throws before it reaches D1, after D1 committed it (the answer lost on the
 * way back), or with an error no retry cures.
 */
function flakyDb(fault: Fault) {
  const calls = { writes: 0, failed: 0 };
  const db = new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const write = statements.length >= 6;
          if (write) calls.writes += 1;
          if (!write || calls.failed > 0) return target.batch(statements);
          calls.failed += 1;
          if (fault === "permanent") throw new Error("D1_ERROR: no such table: nothing: SQLITE_ERROR");
          if (fault === "after") await target.batch(statements);
          throw new Error("D1_ERROR: Network connection lost.");
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, calls };
}

async function callWith(db: D1Database, path: string, method: string, body: unknown) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://aumflow.test${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...env, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function stored(fund: string) {
  const flows = await env.DB.prepare("SELECT COUNT(*) AS n FROM flows WHERE fund = ?").bind(fund).first("n");
  const revisions = await env.DB.prepare("SELECT COUNT(*) AS n FROM revisions WHERE subject = ?")
    .bind(fund)
    .first("n");
  return { flows, revisions };
}

const version = async () =>
  Number(await env.DB.prepare("SELECT value FROM meta WHERE key = 'data_version'").first("value"));

describe("transient D1 errors", () => {
  it("a write batch refused before it reached D1 is retried and stored", async () => {
    const fund = freshTicker("R");
    await putFund(fund);
    const { db, calls } = flakyDb("before");
    const flows = [{ fund, date: "2024-01-11", net_flow_usd: "10.00" }];
    const answer = await callWith(db, "/v1/flows", "POST", { flows });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ inserted: 1, restated: 0, unchanged: 0 });
    expect(calls.failed).toBe(1);
    expect(await stored(fund)).toEqual({ flows: 1, revisions: 2 });
  });

  it("a write batch D1 committed before the connection was lost is stored once", async () => {
    const fund = freshTicker("R");
    await putFund(fund);
    const before = await version();
    const { db, calls } = flakyDb("after");
    const flows = [
      { fund, date: "2024-01-11", net_flow_usd: "10.00" },
      { fund, date: "2024-01-12", net_flow_usd: "-4.00" },
    ];
    const answer = await callWith(db, "/v1/flows", "POST", { flows });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ inserted: 2, restated: 0, unchanged: 0, data_version: before + 1 });
    expect(calls.failed).toBe(1);
    // One fund revision, two flows with theirs: nothing twice, and data_version moved once.
    expect(await stored(fund)).toEqual({ flows: 2, revisions: 3 });
    expect(await version()).toBe(before + 1);
  });

  it("with an Idempotency-Key, the retried write completes its record once", async () => {
    const fund = freshTicker("R");
    await putFund(fund);
    const { db } = flakyDb("after");
    const ctx = createExecutionContext();
    const request = () =>
      new Request("http://aumflow.test/v1/flows", {
        method: "POST",
        headers: {
          authorization: `Bearer ${ADMIN}`,
          "content-type": "application/json",
          "idempotency-key": `retry-${fund}`,
        },
        body: JSON.stringify({ flows: [{ fund, date: "2024-01-11", net_flow_usd: "7.00" }] }),
      });
    const first = await app.fetch(request(), { ...env, DB: db }, ctx);
    await waitOnExecutionContext(ctx);
    expect(first.status).toBe(200);
    const replay = await app.fetch(request(), env, createExecutionContext());
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toMatchObject({ inserted: 1 });
    expect(await stored(fund)).toEqual({ flows: 1, revisions: 2 });
  });

  it("PUT /v1/funds/{ticker} retries the same way", async () => {
    const fund = freshTicker("R");
    const { db, calls } = flakyDb("after");
    const answer = await callWith(db, `/v1/funds/${fund}`, "PUT", FUND);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ inserted: 1 });
    expect(calls.failed).toBe(1);
    expect(await stored(fund)).toEqual({ flows: 0, revisions: 1 });
  });

  it("an error no retry cures fails the write at once, storing nothing", async () => {
    const fund = freshTicker("R");
    await putFund(fund);
    const { db, calls } = flakyDb("permanent");
    const answer = await callWith(db, "/v1/flows", "POST", {
      flows: [{ fund, date: "2024-01-11", net_flow_usd: "1.00" }],
    });
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toMatch(/SQLITE|D1_ERROR/);
    expect(calls).toEqual({ writes: 1, failed: 1 });
    expect(await stored(fund)).toEqual({ flows: 0, revisions: 1 });
  });
});
