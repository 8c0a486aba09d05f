// D1 binds strings of at most 1,000,000 bytes: a batch whose rows are more JSON than that is written
// as several parameters in one transaction, whole and counted once.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { jsonChunks, MAX_PARAMETER_BYTES } from "../../../functions/db/json-chunks.ts";
import { tradingDays } from "../../../shared/calendar.ts";
import { freshTicker, json, putFund } from "../helpers/api.ts";

describe("jsonChunks", () => {
  it("splits rows into JSON arrays under the byte limit, losing none", () => {
    const rows = Array.from({ length: 500 }, (_, index) => ["Fünd ✓", index, "x".repeat(index % 50)]);
    const chunks = jsonChunks(rows, 2_000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(new TextEncoder().encode(chunk).length).toBeLessThanOrEqual(2_000);
    expect(chunks.flatMap((chunk) => JSON.parse(chunk))).toEqual(rows);
    expect(jsonChunks([])).toEqual(["[]"]);
  });
});

describe("a batch bigger than one D1 parameter", () => {
  it("is stored whole, counted once, and a dry run counts it the same", async () => {
    const ticker = freshTicker("J");
    await putFund(ticker, { listed_on: "2024-01-11" });
    const days = tradingDays("XNAS", "2024-01-11", "2026-06-30").slice(0, 500);
    const sources = Array.from({ length: 10 }, (_, index) => `${"provider ".repeat(22)}${index}`);
    const flows = days.flatMap((date, day) =>
      sources.map((source, index) => ({
        fund: ticker,
        date,
        net_flow_usd: `${day * 10 + index}.25`,
        source,
      })),
    );
    const body = { flows };
    expect(flows.length).toBe(5000);
    expect(JSON.stringify(body).length).toBeGreaterThan(MAX_PARAMETER_BYTES);

    const dry = await json<{ inserted: number }>("/v1/flows?dry_run=true", { method: "POST", body });
    expect(dry.status).toBe(200);
    expect(dry.body.inserted).toBe(5000);

    const stored = await json<{ inserted: number; restated: number }>("/v1/flows", { method: "POST", body });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ inserted: 5000, restated: 0 });
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM flows WHERE fund = ?")
      .bind(ticker)
      .first("n");
    expect(count).toBe(5000);

    const again = await json<{ unchanged: number }>("/v1/flows", { method: "POST", body });
    expect(again.body.unchanged).toBe(5000);
  });
});
