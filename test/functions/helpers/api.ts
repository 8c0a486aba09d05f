// Calls the Worker inside workerd the way a client would, through its fetch handler.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ExportDocument, ExportYearPage } from "../../../shared/export.ts";

export const ADMIN = "test-admin-token";

export interface Call {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(path: string, options: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const method = options.method ?? (body === undefined ? "GET" : "POST");
  const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } }).default;
  return worker.fetch(new Request(`http://aumflow.test${path}`, { method, headers, body }));
}

export async function json<T = Record<string, unknown>>(
  path: string,
  options: Call = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await call(path, options);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

export const FUND = {
  name: "iShares Bitcoin Trust ETF",
  issuer: "BlackRock",
  asset: "BTC",
  vehicle: "spot_etf",
  country: "US",
  exchange: "XNAS",
  listed_on: "2024-01-11",
  fee_bps: 25,
};

export async function putFund(ticker: string, overrides: Partial<typeof FUND> = {}) {
  const result = await json(`/v1/funds/${ticker}`, { method: "PUT", body: { ...FUND, ...overrides } });
  if (result.status !== 200) throw new Error(`PUT fund ${ticker}: ${JSON.stringify(result.body)}`);
}

let serial = 0;
/** A ticker no other test uses: storage is shared by the tests of a file. */
export function freshTicker(prefix = "T"): string {
  serial += 1;
  return `${prefix}${serial}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}

export async function tableCount(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<number>("n")) ?? 0;
}

/** Derived rows as stored (every fund day and group day), for comparison with a rebuild. */
export async function derivedRows() {
  const funds = await env.DB.prepare("SELECT * FROM fund_days ORDER BY fund, date").all();
  const groups = await env.DB.prepare(
    "SELECT * FROM aggregate_days ORDER BY group_by, group_key, date",
  ).all();
  return { funds: funds.results, groups: groups.results };
}

/** Drives /v1/admin/settle, `maxFunds` a call, until nothing remains. */
export async function settleAll(maxFunds = 10): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const { status, body } = await json<{ remaining: number | null }>(
      `/v1/admin/settle?max_funds=${maxFunds}`,
      { method: "POST" },
    );
    expect(status).toBe(200);
    if (body.remaining === 0) return;
  }
  throw new Error("the settle did not finish");
}

/** Forgets every derived row and rebuilds them from the ledger through the admin API. */
export async function fullRecompute(maxFunds = 10): Promise<void> {
  expect((await json("/v1/admin/recompute", { method: "POST" })).status).toBe(200);
  await settleAll(maxFunds);
}

/**
 * GET /v1/export with every later page followed and its aggregates appended: the whole document, as
 * the site's loader puts it together.
 */
export async function wholeExport(): Promise<ExportDocument> {
  const first = await json<ExportDocument>("/v1/export");
  expect(first.status).toBe(200);
  const document = first.body;
  for (let next = document.next; next !== null; ) {
    const page = await json<ExportYearPage>(next);
    expect(page.status).toBe(200);
    expect(page.body.data_version).toBe(document.data_version);
    for (const period of ["day", "week", "month", "ytd"] as const)
      document.aggregates[period].push(...page.body.aggregates[period]);
    next = page.body.next;
  }
  return { ...document, next: null };
}
