// The bulk reads the site build uses: every fund's daily rows written by SQLite must be, byte for
// byte, what GET /v1/funds/{ticker}/daily answers, and ?restated=true exactly the revisions that
// replaced an old value.
import { beforeAll, describe, expect, it } from "vitest";
import type { RevisionRow } from "../../../shared/export.ts";
import { call, json } from "../helpers/api.ts";
import { loadDemo } from "../helpers/demo.ts";

beforeAll(async () => {
  await loadDemo();
}, 120_000);

async function allDaily(limit: number): Promise<string[]> {
  const lines: string[] = [];
  let after: string | null = null;
  do {
    const response = await call(`/v1/daily?limit=${limit}${after ? `&after=${after}` : ""}`, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const text = new TextDecoder().decode(await response.arrayBuffer());
    lines.push(...text.split("\n").filter(Boolean));
    after = response.headers.get("next-after");
  } while (after);
  return lines;
}

describe("GET /v1/daily", () => {
  it("answers each fund's line exactly as its own daily read, a page of funds at a time", async () => {
    const lines = await allDaily(4);
    const funds = await json<{ funds: { ticker: string }[] }>("/v1/funds?format=json", { token: null });
    const tickers = funds.body.funds.map((fund) => fund.ticker).sort();
    expect(lines.map((line) => (JSON.parse(line) as { fund: string }).fund)).toEqual(tickers);
    for (const line of lines) {
      const { fund } = JSON.parse(line) as { fund: string };
      const single = await call(`/v1/funds/${fund}/daily`, { token: null });
      expect(line, fund).toBe(await single.text());
    }
  });

  it("writes negative amounts, nulls and booleans as the API does", async () => {
    const [line] = await allDaily(10);
    const rows = (JSON.parse(line ?? "{}") as { rows: Record<string, unknown>[] }).rows;
    expect(rows.some((row) => String(row.market_effect_usd).startsWith("-"))).toBe(true);
    expect(rows.some((row) => row.net_flow_usd === null)).toBe(true);
    expect(rows.every((row) => typeof row.price_stale === "boolean")).toBe(true);
  });
});

describe("GET /v1/revisions?restated=true", () => {
  it("lists only the revisions that replaced an old value, paged by id", async () => {
    for (const fee_bps of [12, 13]) {
      const put = await call("/v1/funds/IBIT", {
        method: "PUT",
        body: { ...(await fundOf("IBIT")), fee_bps },
      });
      expect(put.status, await put.text()).toBe(200);
    }
    const first = await json<{ revisions: RevisionRow[]; next_since?: string }>(
      "/v1/revisions?restated=true&limit=1",
      {
        token: null,
      },
    );
    expect(first.body.revisions).toHaveLength(1);
    const rest = await json<{ revisions: RevisionRow[] }>(
      `/v1/revisions?restated=true&since=${first.body.next_since}`,
      {
        token: null,
      },
    );
    const restated = [...first.body.revisions, ...rest.body.revisions];
    expect(restated.length).toBeGreaterThanOrEqual(2);
    expect(restated.every((row) => row.old_value !== null)).toBe(true);
    expect(restated.at(-1)?.new_value).toMatchObject({ fee_bps: 13 });
  });
});

async function fundOf(ticker: string): Promise<Record<string, unknown>> {
  const { body } = await json<{ funds: Record<string, unknown>[] }>("/v1/funds?format=json", { token: null });
  const {
    ticker: _,
    latest: __,
    delisted_on: ___,
    former_tickers: ____,
    fee_history: _____,
    days_version: ______,
    ...fund
  } = body.funds.find((f) => f.ticker === ticker) ?? {};
  return fund;
}
