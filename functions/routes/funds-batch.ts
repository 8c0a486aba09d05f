// POST /v1/funds: many funds' metadata in one atomic batch (the importer's --bulk mode), with the same
// checks, revisions and recompute as PUT /v1/funds/{ticker}.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FundInput, MAX_ROWS_PER_BATCH, Ticker, WriteResult } from "../../shared/schemas.ts";
import { type AppEnv, fundsOutOfReach, requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { loadAssets } from "../db/reference.ts";
import { idempotency } from "../idempotency.ts";
import { checkFundRow, writeFundBatch } from "../ledger/fund-batch.ts";
import { recomputeDeferred, type WriteContext } from "../ledger/submit.ts";
import { BatchErrors } from "../ledger/validate.ts";
import { invalid, Problem } from "../problem.ts";
import { settleDerived } from "../recompute/settle.ts";
import { bearer, WRITE_PROBLEMS, WriteHeaders, WriteQuery } from "./openapi.ts";

export const fundsBatch = new OpenAPIHono<AppEnv>();

const FundsBody = z
  .object({
    funds: z
      .array(FundInput.extend({ ticker: Ticker }))
      .min(1)
      .max(MAX_ROWS_PER_BATCH),
  })
  .strict()
  .openapi("FundsBody");

const route = createRoute({
  method: "post",
  path: "/funds",
  summary: "Create or update many funds' metadata (atomic batch, up to 10,000 funds)",
  security: bearer,
  middleware: [requireScope("funds:write"), jsonBody, idempotency] as const,
  request: {
    headers: WriteHeaders,
    query: WriteQuery,
    body: { content: { "application/json": { schema: FundsBody } }, required: true },
  },
  responses: {
    200: { content: { "application/json": { schema: WriteResult } }, description: "Stored" },
    ...WRITE_PROBLEMS,
  },
});

fundsBatch.openapi(route, async (context) => {
  const c = context as unknown as WriteContext;
  const { funds } = context.req.valid("json");
  const caller = c.get("caller");
  const tickers = funds.map((fund, index) => ({ pointer: `/funds/${index}/ticker`, fund: fund.ticker }));
  const outOfReach = fundsOutOfReach(caller, tickers);
  if (outOfReach.length > 0)
    throw new Problem(403, "This token may not write some of these funds.", outOfReach);
  const errors = new BatchErrors();
  const assets = new Set((await loadAssets(c.env.DB)).keys());
  const first = new Map<string, number>();
  funds.forEach((fund, index) => {
    checkFundRow(errors, `/funds/${index}`, fund, assets);
    const earlier = first.get(fund.ticker);
    if (earlier === undefined) first.set(fund.ticker, index);
    else errors.add(`/funds/${index}/ticker`, `${fund.ticker} is already at /funds/${earlier}`);
  });
  if (errors.errors.length > 0) throw invalid(errors.errors);
  const dryRun = c.req.query("dry_run") === "true";
  const deferred = recomputeDeferred(c);
  const counts = await writeFundBatch(c.env.DB, {
    funds,
    source: caller.name,
    requestId: c.get("requestId"),
    recordedAt: new Date().toISOString(),
    claim: c.get("idempotency"),
    dryRun,
  });
  if (dryRun) return context.json({ ...counts, dry_run: true }, 200);
  if (deferred) return context.json({ ...counts, recompute_deferred: true }, 200);
  await settleDerived(c.env);
  return context.json(counts, 200);
});
