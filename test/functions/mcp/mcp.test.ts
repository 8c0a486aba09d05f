// The MCP endpoint and /llms.txt inside workerd: JSON-RPC's edge cases as the transport meets them,
// every tool's answer against the HTTP read of the same thing, and no write reachable.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AggregateRow, FundDayRow, Summary } from "../../../shared/export.ts";
import { call, freshTicker, json, putFund, tableCount } from "../helpers/api.ts";

// Two BTC funds of one issuer on XNAS, listed Thursday 2024-01-11; Saturday 13th to Monday 15th
// (Martin Luther King Jr. Day) are closed. On Tuesday the 16th only the first has reported.
const issuer = `MCP ${freshTicker("I")}`;
const [a, b] = [freshTicker("A"), freshTicker("B")].sort() as [string, string];

const ACCEPT = "application/json, text/event-stream";

async function post(body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return call("/mcp", {
    method: "POST",
    token: null,
    body: text,
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
  });
}

interface RpcAnswer {
  jsonrpc: string;
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

async function rpc(method: string, params?: object, id: string | number = 1): Promise<RpcAnswer> {
  const response = await post({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  return (await response.json()) as RpcAnswer;
}

interface ToolAnswer {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

async function tool(name: string, args: object = {}): Promise<ToolAnswer> {
  const answer = await rpc("tools/call", { name, arguments: args });
  expect(answer.error).toBeUndefined();
  return answer.result as unknown as ToolAnswer;
}

/** A tool's structured answer, checked to be the same JSON as its text content. */
async function structured<T = Record<string, unknown>>(name: string, args: object = {}): Promise<T> {
  const result = await tool(name, args);
  expect(result.isError, result.content[0]?.text).toBeFalsy();
  expect(result.content).toHaveLength(1);
  expect(JSON.parse(result.content[0]?.text ?? "null")).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

async function dataVersion(): Promise<number> {
  return (await json<{ data_version: number }>("/v1/health")).body.data_version;
}

const flow = (fund: string, date: string, net_flow_usd: string, extra: object = {}) => ({
  fund,
  date,
  net_flow_usd,
  ...extra,
});

beforeAll(async () => {
  await putFund(a, { issuer, listed_on: "2024-01-11" });
  await putFund(b, { issuer, listed_on: "2024-01-11" });
  const prices = ["10", "11", "12", "13", "14", "15", "16", "17"].map((day, i) => ({
    asset: "BTC",
    date: `2024-01-${day}`,
    close_usd: String(46000 + i * 100),
  }));
  expect((await json("/v1/prices", { body: { prices } })).status).toBe(200);
  const first = [
    flow(a, "2024-01-11", "100000000.00"),
    flow(a, "2024-01-12", "-20000000.00"),
    flow(a, "2024-01-16", "30000000.00"),
    flow(b, "2024-01-11", "50000000.00"),
    flow(b, "2024-01-12", "5000000.00", { status: "provisional" }),
  ];
  expect((await json("/v1/flows", { body: { flows: first } })).status).toBe(200);
  // A restatement of A's 11th, and a second source's figure for A's 12th (ranked below the first).
  const later = [
    flow(a, "2024-01-11", "110000000.00"),
    flow(a, "2024-01-12", "-19000000.00", { source: "otherfeed" }),
  ];
  expect((await json("/v1/flows", { body: { flows: later } })).status).toBe(200);
});

describe("the JSON-RPC transport", () => {
  it("initializes without a session, answering the client's protocol version when it knows it", async () => {
    const response = await post({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("mcp-session-id")).toBeNull();
    const body = (await response.json()) as RpcAnswer;
    expect(body).toMatchObject({
      jsonrpc: "2.0",
      id: 0,
      result: {
        protocolVersion: "2025-06-18",
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: "aumflow" },
      },
    });
    expect(String(body.result?.instructions)).toContain("exact to the cent");
    const unknown = await rpc("initialize", { protocolVersion: "1999-01-01", capabilities: {} });
    expect(unknown.result?.protocolVersion).toBe("2025-11-25");
    const missing = await rpc("initialize", {});
    expect(missing.error?.code).toBe(-32602);
  });

  it("accepts notifications and client responses with 202 and no body", async () => {
    for (const message of [
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } },
      { jsonrpc: "2.0", id: 7, result: {} },
    ]) {
      const response = await post(message);
      expect(response.status).toBe(202);
      expect(await response.text()).toBe("");
    }
  });

  it("answers ping with an empty result and echoes string ids", async () => {
    expect(await rpc("ping", undefined, "abc")).toEqual({ jsonrpc: "2.0", id: "abc", result: {} });
  });

  it("answers a body that is not JSON with -32700", async () => {
    const response = await post("{not json");
    expect(response.status).toBe(400);
    const body = (await response.json()) as RpcAnswer;
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
  });

  it("answers an unknown method with -32601, a write-like one too", async () => {
    for (const method of ["resources/list", "flows/submit", "tools/run"]) {
      const body = await rpc(method, {}, 9);
      expect(body).toMatchObject({ id: 9, error: { code: -32601 } });
      expect(body.error?.message).toContain(method);
    }
  });

  it("refuses batches and malformed messages with -32600", async () => {
    const batch = await post([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", id: 2, method: "ping" },
    ]);
    expect(batch.status).toBe(400);
    const batchBody = (await batch.json()) as RpcAnswer;
    expect(batchBody).toMatchObject({ id: null, error: { code: -32600 } });
    expect(batchBody.error?.message).toMatch(/batch/i);
    for (const message of [
      { id: 1, method: "ping" },
      { jsonrpc: "1.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", id: null, method: "ping" },
      { jsonrpc: "2.0", id: { x: 1 }, method: "ping" },
      { jsonrpc: "2.0", id: 1, method: 5 },
      { jsonrpc: "2.0", id: 1, method: "ping", params: [1] },
      "ping",
      42,
    ]) {
      const response = await post(JSON.stringify(message));
      expect(response.status, JSON.stringify(message)).toBe(400);
      expect(((await response.json()) as RpcAnswer).error?.code).toBe(-32600);
    }
  });

  it("answers GET and DELETE with 405: POST is the only way in", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await call("/mcp", { method, token: null, headers: { accept: "text/event-stream" } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    }
  });

  it("checks the media types and the protocol version header", async () => {
    const form = await call("/mcp", {
      method: "POST",
      token: null,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      headers: { "content-type": "text/plain", accept: ACCEPT },
    });
    expect(form.status).toBe(415);
    expect((await post({ jsonrpc: "2.0", id: 1, method: "ping" }, { accept: "text/html" })).status).toBe(406);
    const old = await post(
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { "mcp-protocol-version": "2020-01-01" },
    );
    expect(old.status).toBe(400);
    const known = await post(
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { "mcp-protocol-version": "2025-06-18" },
    );
    expect(known.status).toBe(200);
    // A client that takes only an event stream gets the answer as one SSE event.
    const sse = await post({ jsonrpc: "2.0", id: 3, method: "ping" }, { accept: "text/event-stream" });
    expect(sse.headers.get("content-type")).toBe("text/event-stream");
    expect(await sse.text()).toBe('event: message\ndata: {"jsonrpc":"2.0","id":3,"result":{}}\n\n');
  });

  it("lets browsers call it (CORS preflight)", async () => {
    const response = await call("/mcp", {
      method: "OPTIONS",
      token: null,
      headers: {
        origin: "https://agent.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, mcp-protocol-version",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "mcp-protocol-version",
    );
  });
});

describe("the tools", () => {
  it("lists six read-only tools, each with a JSON Schema of its arguments and a description", async () => {
    const { result } = await rpc("tools/list", { cursor: "ignored" });
    const tools = result?.tools as {
      name: string;
      description: string;
      inputSchema: { type: string; properties: object; additionalProperties: boolean; $schema?: string };
      annotations: { readOnlyHint: boolean; destructiveHint: boolean };
    }[];
    expect(tools.map((t) => t.name)).toEqual([
      "get_summary",
      "list_funds",
      "get_fund_days",
      "get_aggregate",
      "get_flow_table",
      "get_revisions",
    ]);
    expect(result?.nextCursor).toBeUndefined();
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.inputSchema.additionalProperties).toBe(false);
      expect(t.inputSchema.$schema).toBeUndefined();
      expect(t.description.length, t.name).toBeGreaterThan(200);
      expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    }
    const days = tools.find((t) => t.name === "get_fund_days");
    expect(days?.inputSchema).toMatchObject({
      required: ["ticker"],
      properties: {
        from: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        as_of: { format: "date-time" },
      },
    });
    expect(days?.description).toContain("at most 400 days");
  });

  it("refuses an unknown tool, a write-like one included, with -32602", async () => {
    for (const name of ["submit_flows", "put_fund", "recompute"]) {
      const body = await rpc("tools/call", { name, arguments: {} });
      expect(body.error?.code).toBe(-32602);
      expect(body.error?.message).toContain(`Unknown tool: ${name}`);
    }
    expect((await rpc("tools/call", { arguments: {} })).error?.code).toBe(-32602);
    expect((await rpc("tools/call", { name: "get_summary", arguments: [1] })).error?.code).toBe(-32602);
  });

  it("answers bad arguments with a tool error naming the field", async () => {
    const cases: [string, object, RegExp][] = [
      ["get_fund_days", { ticker: a, from: "2024-02-30" }, /from: must be a real calendar date/],
      ["get_fund_days", {}, /ticker/],
      ["get_fund_days", { ticker: a, as_of: "yesterday" }, /as_of: must be an ISO 8601 timestamp/],
      ["get_fund_days", { ticker: a, from: "2023-01-01", to: "2024-03-01" }, /at most 400/],
      ["get_fund_days", { ticker: a, from: "2024-01-12", to: "2024-01-11" }, /from is after to/],
      ["get_fund_days", { ticker: "NOSUCH" }, /No fund NOSUCH/],
      ["get_summary", { net_flow_usd: "1.00" }, /net_flow_usd: unknown argument/],
      ["get_aggregate", { by: "fund" }, /by:/],
      ["list_funds", { asset: "DOGE" }, /No asset DOGE; the assets are BTC, ETH, SOL/],
      ["get_revisions", { limit: 501 }, /limit:/],
      ["get_revisions", { since: "last week" }, /since: must be an ISO 8601 timestamp or a revision id/],
      ["get_flow_table", { date: "16 Jan 2024" }, /date:/],
    ];
    for (const [name, args, message] of cases) {
      const result = await tool(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(result.content[0]?.text).toMatch(message);
    }
  });

  it("get_summary is GET /v1/summary", async () => {
    const http = await json<Summary>("/v1/summary");
    const summary = await structured<Summary>("get_summary");
    expect(summary).toEqual(http.body);
    expect(summary.report_date).toBe("2024-01-16");
    expect(summary.report_date_awaiting).toEqual([b]);
  });

  it("list_funds is GET /v1/funds, one asset's funds when asked", async () => {
    const http = await json<{ funds: { ticker: string; asset: string }[] }>("/v1/funds");
    const all = await structured<{ funds: unknown[]; count: number }>("list_funds");
    expect(all.funds).toEqual(http.body.funds);
    expect(all.count).toBe(http.body.funds.length);
    const btc = await structured<{ funds: { asset: string }[] }>("list_funds", { asset: "btc" });
    expect(btc.funds).toEqual(http.body.funds.filter((fund) => fund.asset === "BTC"));
    expect((await structured<{ count: number }>("list_funds", { asset: "ETH" })).count).toBe(0);
  });

  it("get_fund_days is GET /v1/funds/{ticker}/daily, now and as known at a past moment", async () => {
    const range = "from=2024-01-10&to=2024-01-16";
    const http = await json<{ rows: FundDayRow[] }>(`/v1/funds/${a}/daily?${range}`);
    const days = await structured<{ fund: string; from: string; to: string; rows: FundDayRow[] }>(
      "get_fund_days",
      { ticker: a.toLowerCase(), from: "2024-01-10", to: "2024-01-16" },
    );
    expect(days).toMatchObject({ fund: a, from: "2024-01-10", to: "2024-01-16" });
    expect(days.rows).toEqual(http.body.rows);
    expect(days.rows.find((row) => row.date === "2024-01-11")?.net_flow_usd).toBe("110000000.00");
    // Before the restatement was recorded, the 11th stood at its first figure.
    const revisions = await json<{ revisions: { recorded_at: string }[] }>(
      `/v1/revisions?subject=${a}&entity=flow&restated=true`,
    );
    const restatedAt = revisions.body.revisions[0]?.recorded_at as string;
    const before = new Date(Date.parse(restatedAt) - 1).toISOString();
    const thenHttp = await json<{ rows: FundDayRow[] }>(`/v1/funds/${a}/daily?${range}&as_of=${before}`);
    const then = await structured<{ rows: FundDayRow[]; as_of: string }>("get_fund_days", {
      ticker: a,
      from: "2024-01-10",
      to: "2024-01-16",
      as_of: before,
    });
    expect(then.rows).toEqual(thenHttp.body.rows);
    expect(then.rows.find((row) => row.date === "2024-01-11")?.net_flow_usd).toBe("100000000.00");
    // Without a range: the 30 days up to the fund's latest day.
    const latest = await structured<{ from: string; to: string; rows: FundDayRow[] }>("get_fund_days", {
      ticker: b,
    });
    const all = await json<{ rows: FundDayRow[] }>(`/v1/funds/${b}/daily`);
    const last = all.body.rows.at(-1)?.date as string;
    expect(latest.to).toBe(last);
    expect(latest.rows).toEqual(all.body.rows.filter((row) => row.date >= latest.from));
  });

  it("get_aggregate is GET /v1/aggregate, with a default window", async () => {
    const queries: Record<string, string>[] = [
      { by: "issuer", key: issuer, period: "day", from: "2024-01-11", to: "2024-01-17" },
      { by: "total", period: "week", from: "2024-01-01", to: "2024-01-31" },
      { by: "asset", period: "ytd" },
    ];
    for (const query of queries) {
      const http = await json<{ rows: AggregateRow[] }>(`/v1/aggregate?${new URLSearchParams(query)}`);
      const answer = await structured<{ rows: AggregateRow[] }>("get_aggregate", query);
      expect(answer.rows, JSON.stringify(query)).toEqual(http.body.rows);
      expect(answer.rows.length).toBeGreaterThan(0);
    }
    const window = await structured<{ from: string; to: string; rows: AggregateRow[] }>("get_aggregate", {
      by: "total",
    });
    expect(window.rows.at(-1)?.end).toBe(window.to);
    expect(window.from).toBe("2023-12-18"); // 30 days up to the 16th: the last day with figures
  });

  it("get_flow_table lists each fund's figure and source with the day's completeness", async () => {
    type Table = {
      date: string;
      completeness: string | null;
      awaiting: string[];
      total: { net_flow_usd: string | null; funds_missing: number; completeness: string | null };
      by_asset: { asset: string; net_flow_usd: string | null; awaiting: string[] }[];
      funds: {
        fund: string;
        state: string;
        net_flow_usd: string | null;
        source: string | null;
        other_figures: { source: string; net_flow_usd: string; difference_usd: string }[];
      }[];
    };
    const mine = (table: Table) => table.funds.filter((row) => row.fund === a || row.fund === b);
    // The default day is the report date, the 16th: partial, awaiting B.
    const latest = await structured<Table>("get_flow_table");
    expect(latest.date).toBe("2024-01-16");
    expect(latest.completeness).toBe("partial");
    expect(latest.awaiting).toEqual([b]);
    expect(mine(latest).map((row) => [row.fund, row.state, row.net_flow_usd, row.source])).toEqual([
      [a, "final", "30000000.00", "admin"],
      [b, "missing", null, null],
    ]);
    const totalHttp = await json<{ rows: AggregateRow[] }>(
      "/v1/aggregate?by=total&period=day&from=2024-01-16&to=2024-01-16",
    );
    expect(latest.total).toMatchObject({
      net_flow_usd: totalHttp.body.rows[0]?.net_flow_usd,
      funds_missing: totalHttp.body.rows[0]?.funds_missing,
      completeness: "partial",
    });
    // The 12th: A's figure from the first source, the second beside it; B's provisional figure.
    const twelfth = await structured<Table>("get_flow_table", { date: "2024-01-12" });
    expect(twelfth.completeness).toBe("complete");
    expect(mine(twelfth)).toEqual([
      {
        fund: a,
        name: "iShares Bitcoin Trust ETF",
        asset: "BTC",
        issuer,
        state: "final",
        net_flow_usd: "-20000000.00",
        source: "admin",
        aum_usd: expect.any(String),
        other_figures: [
          {
            source: "otherfeed",
            net_flow_usd: "-19000000.00",
            status: "final",
            difference_usd: "1000000.00",
            reason: "ranked below admin",
          },
        ],
      },
      expect.objectContaining({ fund: b, state: "provisional", net_flow_usd: "5000000.00", source: "admin" }),
    ]);
    const assetsHttp = await json<{ rows: AggregateRow[] }>(
      "/v1/aggregate?by=asset&period=day&from=2024-01-12&to=2024-01-12",
    );
    expect(twelfth.by_asset.map((row) => [row.asset, row.net_flow_usd, row.awaiting])).toEqual(
      assetsHttp.body.rows.map((row) => [row.key, row.net_flow_usd, row.awaiting]),
    );
    for (const row of mine(twelfth)) {
      const daily = await json<{ rows: FundDayRow[] }>(
        `/v1/funds/${row.fund}/daily?from=2024-01-12&to=2024-01-12`,
      );
      expect(row.net_flow_usd).toBe(daily.body.rows[0]?.net_flow_usd);
    }
    // A weekend: every fund's market is closed, and no completeness applies.
    const saturday = await structured<Table>("get_flow_table", { date: "2024-01-13" });
    expect(saturday.completeness).toBeNull();
    expect(new Set(mine(saturday).map((row) => row.state))).toEqual(new Set(["holiday"]));
    const future = await structured<Table & { note: string }>("get_flow_table", { date: "2030-01-02" });
    expect(future.total).toBeNull();
    expect(future.note).toContain("2024-01-16");
  });

  it("get_revisions is GET /v1/revisions, restatements only unless asked", async () => {
    type Feed = { revisions: { id: number; old_value: unknown }[]; next_since: string | null };
    const http = await json<Feed>("/v1/revisions?restated=true&limit=100");
    const restated = await structured<Feed>("get_revisions");
    expect(restated.revisions).toEqual(http.body.revisions);
    expect(restated.revisions.length).toBeGreaterThan(0);
    expect(restated.revisions.every((revision) => revision.old_value !== null)).toBe(true);
    const everything = await structured<Feed>("get_revisions", { restated: false, limit: 2 });
    const page = await json<Feed>("/v1/revisions?limit=2");
    expect(everything.revisions).toEqual(page.body.revisions);
    expect(everything.next_since).toBe(page.body.next_since);
    const next = await structured<Feed>("get_revisions", { restated: false, since: everything.next_since });
    expect(next.revisions[0]?.id).toBeGreaterThan(Number(everything.next_since));
  });

  it("wrote nothing: data_version and the ledger are as they were", async () => {
    const version = await dataVersion();
    const revisions = await tableCount("revisions");
    const flows = await tableCount("flows");
    for (const name of ["get_summary", "list_funds", "get_aggregate", "get_flow_table", "get_revisions"]) {
      await structured(name);
    }
    await structured("get_fund_days", { ticker: a });
    expect(await dataVersion()).toBe(version);
    expect(await tableCount("revisions")).toBe(revisions);
    expect(await tableCount("flows")).toBe(flows);
    const answer = await structured<{ data_version: number }>("list_funds");
    expect(answer.data_version).toBe(version);
  });
});

describe("GET /llms.txt", () => {
  it("describes the data with addresses of the request's own origin", async () => {
    const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } })
      .default;
    const response = await worker.fetch(new Request("https://aumflow.example.org/llms.txt"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const text = await response.text();
    expect(text.startsWith("# aumflow\n\n> ")).toBe(true);
    const funds = await json<{ funds: unknown[] }>("/v1/funds");
    expect(text).toContain(`${funds.body.funds.length} funds`);
    expect(text).toContain("Report date 2024-01-16");
    expect(text).toContain(`awaiting ${b}`);
    for (const path of [
      "/v1/summary",
      "/v1/funds",
      "/v1/aggregate?",
      "/v1/flows?",
      "/v1/prices?",
      "/v1/revisions?",
      "/v1/export",
      "/v1/openapi.json",
      "/mcp",
      "/data/",
      "/methodology/",
    ]) {
      expect(text, path).toContain(`https://aumflow.example.org${path}`);
    }
    expect(text).toMatch(
      /https:\/\/aumflow\.example\.org\/v1\/funds\/[A-Z0-9.]+\/daily\?from=2024-01-12&to=2024-01-16/,
    );
    expect(text).not.toContain("aumflow.test");
    for (const name of ["get_summary", "get_flow_table", "get_revisions"]) expect(text).toContain(name);
  });
});
