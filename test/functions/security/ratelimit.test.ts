// Rate limiting per token with the Workers rate-limiting binding (wrangler.toml WRITE_LIMITER: 600 a
// minute). The binding counts in fixed windows aligned to the clock's minutes, so each test starts
// early in a window to count a full budget.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_S } from "../../../functions/ratelimit.ts";
import { call, freshTicker, json, putFund } from "../helpers/api.ts";
import { checkProblem, createToken, storageChecksum } from "../helpers/security.ts";

const BUDGET = 600;

/** Waits for a new minute when less than `needed` ms are left in this one. */
async function freshWindow(needed: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needed) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("the WRITE_LIMITER binding", () => {
  it("allows 600 calls a minute for one key, then refuses, and keys are independent", async () => {
    await freshWindow(5_000);
    let allowed = 0;
    for (let i = 0; i < BUDGET + 5; i++)
      if ((await env.WRITE_LIMITER.limit({ key: "binding-check" })).success) allowed++;
    expect(allowed).toBe(BUDGET);
    expect((await env.WRITE_LIMITER.limit({ key: "another-key" })).success).toBe(true);
  }, 60_000);
});

describe("per-token rate limiting of authenticated routes", () => {
  it("answers 429 problem+json with Retry-After past the budget, stores nothing, and spares other tokens", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const busy = await createToken();
    const calm = await createToken();
    await freshWindow(25_000);
    const started = Date.now();
    const statuses = new Map<number, number>();
    for (let i = 0; i < BUDGET; i++) {
      const response = await call("/v1/flows", { token: busy.token, body: {} });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await response.arrayBuffer();
    }
    expect(Object.fromEntries(statuses)).toEqual({ 422: BUDGET });
    expect(Math.floor(Date.now() / 60_000), "the budget was spent within one window").toBe(
      Math.floor(started / 60_000),
    );

    const before = await storageChecksum();
    const valid = { flows: [{ fund, date: "2024-01-11", net_flow_usd: "1.00" }] };
    const refused = await call("/v1/flows", {
      token: busy.token,
      body: valid,
      headers: { "idempotency-key": "k-429" },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMIT_PERIOD_S));
    const body = checkProblem(refused.status, refused.headers.get("content-type"), await refused.text());
    expect(body.detail).not.toContain(busy.token);
    expect((await call(`/v1/funds/${fund}`, { method: "PUT", token: busy.token, body: {} })).status).toBe(
      429,
    );
    expect(await storageChecksum()).toBe(before);
    const claimed = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'k-429'",
    ).first("n");
    expect(claimed).toBe(0);

    // Keyed by the token's id: the binding agrees the busy token is spent, and no other caller is.
    expect((await env.WRITE_LIMITER.limit({ key: `token:${busy.id}` })).success).toBe(false);
    expect((await json("/v1/flows", { token: calm.token, body: valid })).status).toBe(200);
    expect((await json("/v1/flows", { body: valid })).status).toBe(200);
    // Reads are public and never limited.
    expect((await call(`/v1/funds/${fund}`, { token: busy.token })).status).toBe(200);
  }, 60_000);
});
