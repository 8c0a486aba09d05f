import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { SourceRankingInput, Ticker } from "../../shared/schemas.ts";
import { type AppEnv, requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { readDataVersion } from "../db/meta.ts";
import { writeSourceRanking } from "../ledger/source-ranking.ts";
import { rebuildStatements } from "../ledger/write-protocol.ts";
import { Problem } from "../problem.ts";
import { settleDerived, settleSome } from "../recompute/settle.ts";
import { Timings } from "../timing.ts";
import { bearer, WRITE_PROBLEMS } from "./openapi.ts";

export const admin = new OpenAPIHono<AppEnv>();

const rankingRoute = createRoute({
  method: "put",
  path: "/sources/{subject}",
  summary: "Rank the sources of a fund (or an asset's prices): the first listed wins (admin)",
  security: bearer,
  middleware: [requireScope("admin"), jsonBody] as const,
  request: {
    params: z.object({ subject: Ticker.openapi({ param: { name: "subject", in: "path" } }) }),
    body: { content: { "application/json": { schema: SourceRankingInput } }, required: true },
  },
  responses: {
    200: {
      content: {
        "application/json": { schema: z.object({ subject: z.string(), sources: z.array(z.string()) }) },
      },
      description: "Ranked",
    },
    ...WRITE_PROBLEMS,
  },
});

admin.openapi(rankingRoute, async (c) => {
  const { subject } = c.req.valid("param");
  const { sources } = c.req.valid("json");
  if (new Set(sources).size !== sources.length) {
    throw new Problem(422, "A source is listed twice.", [
      { pointer: "/sources", detail: "sources must be distinct" },
    ]);
  }
  const { ranking, changed } = await writeSourceRanking(c.env.DB, {
    subject,
    sources,
    requestId: c.get("requestId"),
    recordedAt: new Date().toISOString(),
  });
  // The same ranking again changes nothing: no revision, no data_version, no recompute.
  if (changed) await settleDerived(c.env);
  return c.json({ subject, sources: ranking }, 200);
});

const recomputeRoute = createRoute({
  method: "post",
  path: "/admin/recompute",
  summary: "Rebuild every derived figure from the ledger (admin)",
  security: bearer,
  middleware: [requireScope("admin")] as const,
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ data_version: z.number(), funds: z.number() }) } },
      description: "Rebuilt",
    },
    401: WRITE_PROBLEMS[401],
    403: WRITE_PROBLEMS[403],
  },
});

/**
 * Forgets every derived row and queues every fund from its first day: the same path as any write.
 * The work itself is done by /admin/settle calls (or the next write or read), in chunks that each fit
 * a Worker's CPU and D1 limits.
 */
admin.openapi(recomputeRoute, async (c) => {
  const db = c.env.DB;
  const queued = (await db.batch<{ funds: number }>(rebuildStatements(db))).at(-1)?.results[0];
  return c.json({ data_version: await readDataVersion(db), funds: queued?.funds ?? 0 }, 200);
});

const settleRoute = createRoute({
  method: "post",
  path: "/admin/settle",
  summary:
    "Recompute up to max_funds queued funds; answers how many remain, plus one while group sums await their re-sum (admin)",
  security: bearer,
  middleware: [requireScope("admin")] as const,
  // The recompute counts its D1 queries and stops before one invocation's 1,000 (remaining > 0 then
  // says so); max_funds bounds a call's time. Bigger rebuilds take more calls.
  request: { query: z.object({ max_funds: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: {
    200: {
      content: {
        "application/json": { schema: z.object({ remaining: z.number().nullable(), busy: z.boolean() }) },
      },
      description: "Progress",
    },
    401: WRITE_PROBLEMS[401],
    403: WRITE_PROBLEMS[403],
  },
});

admin.openapi(settleRoute, async (c) => {
  const timings = new Timings();
  const remaining = await settleSome(c.env, c.req.valid("query").max_funds, timings);
  c.header("Server-Timing", timings.header());
  return c.json({ remaining, busy: remaining === null }, 200);
});
