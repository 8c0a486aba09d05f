// A Worker invocation may make at most 1,000 D1 queries. The recompute counts its queries and stops,
// leaving the rest queued, before it would cross its budget; later invocations finish the work with
// the same figures as one unbounded pass.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { QueryBudget } from "../../../functions/db/query-budget.ts";
import { settleDerived } from "../../../functions/recompute/settle.ts";
import { derivedRows, json } from "../helpers/api.ts";
import { loadDemo } from "../helpers/demo.ts";

beforeAll(async () => {
  await loadDemo();
}, 120_000);

describe("QueryBudget", () => {
  it("counts every query run through it, each statement of a batch as one", async () => {
    const budget = new QueryBudget(1000);
    const db = budget.watch(env.DB);
    expect(await db.prepare("SELECT ?1 AS n").bind(7).first("n")).toBe(7);
    await db.prepare("SELECT 1").all();
    const results = await db.batch([db.prepare("SELECT 1 AS a"), db.prepare("SELECT ?1 AS b").bind(2)]);
    expect(results.map((result) => result.results[0])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(budget.spent).toBe(4);
  });

  it("allows the first step, then only steps that fit beside the largest so far", async () => {
    const budget = new QueryBudget(10);
    const db = budget.watch(env.DB);
    expect(budget.allows()).toBe(true);
    await budget.step(() => db.batch(Array.from({ length: 6 }, () => db.prepare("SELECT 1"))));
    expect(budget.allows()).toBe(false);
  });
});

describe("a recompute bigger than one invocation's budget", () => {
  it("stops within its budget, and the next calls finish it with the same figures", async () => {
    const before = await derivedRows();
    expect(before.funds.length).toBeGreaterThan(3000);
    expect((await json("/v1/admin/recompute", { method: "POST" })).status).toBe(200);

    const settles: boolean[] = [];
    for (let call = 0; call < 200 && !settles.at(-1); call++) {
      settles.push(await settleDerived(env, { queryBudget: 12 }));
    }
    // The demo's funds are one round, and the group sums' re-sum is left to the next invocation.
    expect(settles.length).toBeGreaterThanOrEqual(2);
    expect(settles.slice(0, -1).every((settled) => !settled)).toBe(true);
    expect(settles.at(-1)).toBe(true);
    expect(await derivedRows()).toEqual(before);
  });

  it("tells the writer when its recompute goes on after the answer, and reads finish it", async () => {
    expect((await json("/v1/admin/recompute", { method: "POST" })).status).toBe(200);
    const pending = await settleDerived(env, { queryBudget: 1 });
    expect(pending).toBe(false);
    // An ordinary read catches up (with the default budget) before it answers.
    const { status, body } = await json<{ rows: { aum_usd: string }[] }>(
      "/v1/funds/IBIT/daily?from=2024-11-01&to=2024-11-01",
    );
    expect(status).toBe(200);
    expect(body.rows[0]?.aum_usd).toMatch(/^\d+\.\d\d$/);
    expect(await settleDerived(env, { queryBudget: 1 })).toBe(true);
  });
});
