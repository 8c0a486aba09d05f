// The MCP endpoint of the real product (`wrangler dev` with the real data loaded through the importer),
// driven by the official SDK's client over Streamable HTTP: every tool's numbers against the HTTP read
// of the same thing, no write reachable, and /llms.txt naming the deployment's own addresses.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../../shared/dates.ts";
import type { AggregateRow, FundDayRow, FundSummary, RevisionRow, Summary } from "../../../shared/export.ts";
import { startProduct } from "../../helpers/local-product.ts";

let product: Awaited<ReturnType<typeof startProduct>>;
let client: Client;
let transport: StreamableHTTPClientTransport;
let versionBefore: number;
let summary: Summary;

async function http<T>(path: string): Promise<T> {
  const response = await fetch(`${product.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** The rows of every page of a read answered a year a page, in page order, as get_aggregate puts them. */
async function httpRows(path: string): Promise<AggregateRow[]> {
  const rows: AggregateRow[] = [];
  for (let next: string | null = path; next !== null; ) {
    const page: { rows: AggregateRow[]; next: string | null } = await http(next);
    rows.push(...page.rows);
    next = page.next;
  }
  return rows;
}

/** A tool's structured answer, checked to be the same JSON as its text content. */
async function tool<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(result.isError, content[0]?.text).toBeFalsy();
  expect(content[0]?.type).toBe("text");
  expect(JSON.parse(content[0]?.text ?? "null")).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

beforeAll(async () => {
  product = await startProduct({ data: "market" });
  versionBefore = (await http<{ data_version: number }>("/v1/health")).data_version;
  summary = await http<Summary>("/v1/summary");
  client = new Client({ name: "aumflow-test", version: "1" });
  transport = new StreamableHTTPClientTransport(new URL(`${product.url}/mcp`));
  await client.connect(transport);
}, 300_000);

afterAll(async () => {
  await client?.close();
  await product?.stop();
});

describe("the MCP endpoint with the SDK client", () => {
  it("initializes on the newest protocol the client speaks, without a session", async () => {
    expect(transport.protocolVersion).toBe("2025-11-25");
    expect(transport.sessionId).toBeUndefined();
    expect(client.getServerVersion()?.name).toBe("aumflow");
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getInstructions()).toContain("partial");
    await client.ping();
  });

  it("lists six tools, each with a JSON Schema and a description", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "get_aggregate",
      "get_flow_table",
      "get_fund_days",
      "get_revisions",
      "get_summary",
      "list_funds",
    ]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.description?.length, t.name).toBeGreaterThan(200);
      expect(t.annotations?.readOnlyHint).toBe(true);
    }
  });

  it("get_summary answers what GET /v1/summary does", async () => {
    expect(await tool<Summary>("get_summary")).toEqual(summary);
    expect(summary.report_date).not.toBeNull();
  });

  it("list_funds answers what GET /v1/funds does", async () => {
    const { funds } = await http<{ funds: FundSummary[] }>("/v1/funds");
    expect((await tool<{ funds: FundSummary[] }>("list_funds")).funds).toEqual(funds);
    const btc = await tool<{ funds: FundSummary[]; count: number }>("list_funds", { asset: "BTC" });
    expect(btc.funds).toEqual(funds.filter((fund) => fund.asset === "BTC"));
    expect(btc.count).toBeGreaterThan(5);
  });

  it("get_fund_days for FBTC equals GET /v1/funds/FBTC/daily over the same days", async () => {
    const report = summary.report_date as string;
    // The week of 10–14 August 2026 when the data reaches it, else the five days up to the report date.
    const [from, to] = report >= "2026-08-14" ? ["2026-08-10", "2026-08-14"] : [addDays(report, -4), report];
    const expected = await http<{ rows: FundDayRow[] }>(`/v1/funds/FBTC/daily?from=${from}&to=${to}`);
    const days = await tool<{ fund: string; rows: FundDayRow[] }>("get_fund_days", {
      ticker: "FBTC",
      from,
      to,
    });
    expect(days.fund).toBe("FBTC");
    expect(days.rows).toEqual(expected.rows);
    expect(days.rows).toHaveLength(5);
    expect(days.rows.some((row) => row.net_flow_usd !== null)).toBe(true);
    // As known at a past moment: the same recomputation from the ledger as the HTTP read.
    const asOf = new Date(Date.now() - 1000).toISOString();
    const then = await http<{ rows: FundDayRow[] }>(
      `/v1/funds/FBTC/daily?from=${from}&to=${to}&as_of=${asOf}`,
    );
    const thenTool = await tool<{ rows: FundDayRow[] }>("get_fund_days", {
      ticker: "FBTC",
      from,
      to,
      as_of: asOf,
    });
    expect(thenTool.rows).toEqual(then.rows);
    const tooLong = await client.callTool({
      name: "get_fund_days",
      arguments: { ticker: "FBTC", from: addDays(report, -400), to: report },
    });
    expect(tooLong.isError).toBe(true);
    expect((tooLong.content as { text: string }[])[0]?.text).toContain("at most 400");
  });

  it("get_aggregate equals GET /v1/aggregate, and refuses answers over its cap", async () => {
    const to = summary.report_date as string;
    const from = addDays(to, -55);
    const query = { by: "issuer", period: "week", from, to };
    const expected = await httpRows(`/v1/aggregate?${new URLSearchParams(query)}`);
    const answer = await tool<{ rows: AggregateRow[] }>("get_aggregate", query);
    expect(answer.rows).toEqual(expected);
    expect(answer.rows.length).toBeGreaterThan(10);
    const btc = { by: "asset", key: "BTC", period: "month", from: "2024-01-01", to };
    expect((await tool<{ rows: AggregateRow[] }>("get_aggregate", btc)).rows).toEqual(
      await httpRows(`/v1/aggregate?${new URLSearchParams(btc)}`),
    );
    const everyDay = await client.callTool({
      name: "get_aggregate",
      arguments: { by: "issuer", period: "day", from: "2024-01-01" },
    });
    expect(everyDay.isError).toBe(true);
    expect((everyDay.content as { text: string }[])[0]?.text).toContain("more than 400 rows");
  });

  it("get_flow_table gives each fund's figure and source, per asset and in total, as the HTTP reads do", async () => {
    type Group = {
      net_flow_usd: string | null;
      aum_usd: string;
      completeness: string | null;
      awaiting: string[];
    };
    type Table = {
      date: string;
      completeness: string | null;
      awaiting: string[];
      total: Group;
      by_asset: (Group & { asset: string })[];
      funds: {
        fund: string;
        state: string;
        net_flow_usd: string | null;
        source: string | null;
        aum_usd: string;
      }[];
    };
    for (const date of [summary.headline_date as string, summary.report_date as string]) {
      const table = await tool<Table>("get_flow_table", { date });
      expect(table.date).toBe(date);
      const range = `from=${date}&to=${date}`;
      const [total] = (await http<{ rows: AggregateRow[] }>(`/v1/aggregate?by=total&period=day&${range}`))
        .rows;
      expect(table.total).toMatchObject({
        net_flow_usd: total?.net_flow_usd,
        aum_usd: total?.aum_usd,
        completeness: total?.completeness,
        awaiting: total?.awaiting,
      });
      expect(table.completeness).toBe(total?.completeness);
      const assets = (await http<{ rows: AggregateRow[] }>(`/v1/aggregate?by=asset&period=day&${range}`))
        .rows;
      expect(table.by_asset.map((row) => [row.asset, row.net_flow_usd, row.completeness])).toEqual(
        assets.map((row) => [row.key, row.net_flow_usd, row.completeness]),
      );
      const { flows } = await http<{ flows: { fund: string; source: string; used: boolean }[] }>(
        `/v1/flows?${range}`,
      );
      expect(table.funds.length).toBeGreaterThan(5);
      let sum = 0n;
      for (const row of table.funds) {
        const [day] = (await http<{ rows: FundDayRow[] }>(`/v1/funds/${row.fund}/daily?${range}`)).rows;
        expect([row.state, row.net_flow_usd, row.aum_usd], row.fund).toEqual([
          day?.state,
          day?.net_flow_usd,
          day?.aum_usd,
        ]);
        const used = flows.find((flow) => flow.fund === row.fund && flow.used);
        expect(row.source, row.fund).toBe(used?.source ?? null);
        sum += BigInt((row.net_flow_usd ?? "0").replace(".", ""));
      }
      // The funds' figures add up to the day's total net flow, to the cent.
      expect(sum).toBe(BigInt((table.total.net_flow_usd ?? "0").replace(".", "")));
    }
  });

  it("get_revisions equals GET /v1/revisions?restated=true", async () => {
    const expected = await http<{ revisions: RevisionRow[] }>("/v1/revisions?restated=true&limit=100");
    const answer = await tool<{ revisions: RevisionRow[]; restated_only: boolean }>("get_revisions");
    expect(answer.restated_only).toBe(true);
    expect(answer.revisions).toEqual(expected.revisions);
  });

  it("refuses unknown and write-like tools", async () => {
    for (const name of ["submit_flows", "put_fund", "delete_fund", "recompute"]) {
      await expect(
        client.callTool({ name, arguments: { fund: "IBIT", date: "2024-11-01", net_flow_usd: "1.00" } }),
      ).rejects.toThrow(/Unknown tool/);
    }
    // Extra arguments never reach a read: the call is refused as a whole.
    const smuggled = await client.callTool({ name: "get_summary", arguments: { flows: [{ fund: "IBIT" }] } });
    expect(smuggled.isError).toBe(true);
  });

  it("changed nothing: data_version is what it was before the first call", async () => {
    const after = await http<{ data_version: number }>("/v1/health");
    expect(after.data_version).toBe(versionBefore);
  });
});

describe("GET /llms.txt on the real product", () => {
  it("is markdown as text/plain that names this server's own endpoints and coverage", async () => {
    const response = await fetch(`${product.url}/llms.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const text = await response.text();
    expect(text).toMatch(/^# aumflow\n\n> /);
    const { funds } = await http<{ funds: FundSummary[] }>("/v1/funds");
    expect(text).toContain(`${funds.length} funds`);
    expect(text).toContain(`Report date ${summary.report_date}`);
    for (const path of ["/v1/summary", "/v1/funds", "/v1/aggregate?", "/mcp", "/data/", "/methodology/"]) {
      expect(text, path).toContain(`${product.url}${path}`);
    }
  });

  it("reaches the Worker when the site is deployed too (wrangler.toml runs it first for both paths)", () => {
    const config = readFileSync("wrangler.toml", "utf8");
    const first = /^run_worker_first = (\[.*\])$/m.exec(config)?.[1];
    expect(JSON.parse(first ?? "[]")).toEqual(expect.arrayContaining(["/v1/*", "/mcp", "/llms.txt"]));
  });
});
