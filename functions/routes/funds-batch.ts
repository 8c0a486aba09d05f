// POST /v1/funds: many funds' metadata in one atomic batch (the importer's --bulk mode), with the same
// checks, revisions and recompute as PUT /v1/funds/{ticker}.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FundInput, MAX_ROWS_PER_BATCH, Ticker, WriteResult } from "../../shared/schemas.ts";
import { type AppEnv, fundsOutOfReach, requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { loadAssets } from "../db/reference.ts";
import { idempotency } from "../idempotency.ts";
import type { FailedPart } from "../ledger/batch.ts";
import { submitFunds, type WriteContext } from "../ledger/submit.ts";
import { BatchErrors, checkFundReference, fundProblems, schemaErrors } from "../ledger/validate.ts";
import { type FieldError, invalid, Problem, partPrefix } from "../problem.ts";
import { bearer, WRITE_PROBLEMS, WriteHeaders, WriteQuery } from "./openapi.ts";

export const fundsBatch = new OpenAPIHono<AppEnv>();

const FundRow = FundInput.extend({ ticker: Ticker });

const FundsBody = z
  .object({ funds: z.array(FundRow).min(1).max(MAX_ROWS_PER_BATCH) })
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

fundsBatch.openapi(
  route,
  async (context) => {
    const c = context as unknown as WriteContext;
    const { funds } = context.req.valid("json");
    const caller = c.get("caller");
    const tickers = funds.map((fund, index) => ({ pointer: `/funds/${index}/ticker`, fund: fund.ticker }));
    const outOfReach = await fundsOutOfReach(c.env.DB, caller, tickers);
    if (outOfReach.length > 0)
      throw new Problem(403, "This token may not write some of these funds.", outOfReach);
    const errors = new BatchErrors();
    const assets = new Set((await loadAssets(c.env.DB)).keys());
    funds.forEach((fund, index) => {
      checkFundReference(errors, `/funds/${index}`, fund, assets);
    });
    for (const { pointer, detail } of repeatedTickers(funds.map((fund) => fund.ticker)))
      errors.add(pointer, detail);
    if (errors.errors.length > 0) throw invalid(errors.errors);
    return submitFunds(c, funds, true);
  },
  (result, c) => (result.success ? undefined : refuseFunds(c as unknown as WriteContext, result)),
);

/** A ticker given twice is ambiguous (which metadata wins?): the second is refused. */
function repeatedTickers(tickers: readonly (string | undefined)[]): FieldError[] {
  const first = new Map<string, number>();
  const repeated: FieldError[] = [];
  tickers.forEach((ticker, index) => {
    if (ticker === undefined) return;
    const earlier = first.get(ticker);
    if (earlier === undefined) first.set(ticker, index);
    else
      repeated.push({
        pointer: `/funds/${index}/ticker`,
        detail: `${ticker} is already at /funds/${earlier}`,
      });
  });
  return repeated;
}

/**
 * A body that failed its schema: when its funds are an array of a batch's size, each row is checked on
 * its own, its schema faults together with the reference checks of its fields that passed (unknown
 * asset, calendar, listing day closed) and the repeated tickers, all in one answer.
 */
async function refuseFunds(c: WriteContext, failed: FailedPart): Promise<never> {
  if (failed.target !== "json") throw invalid(schemaErrors(failed.error.issues, partPrefix(failed.target)));
  const body = (await c.req.json()) as unknown;
  const list = typeof body === "object" && body !== null ? (body as { funds?: unknown }).funds : undefined;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ROWS_PER_BATCH) {
    throw invalid(schemaErrors(failed.error.issues));
  }
  // The body's own faults (an unknown top-level field); the rows' are found again row by row.
  const inRows = (path: readonly PropertyKey[]) => path[0] === "funds" && path.length > 1;
  const errors = schemaErrors(failed.error.issues.filter((issue) => !inRows(issue.path)));
  const assets = new Set((await loadAssets(c.env.DB)).keys());
  list.forEach((row, index) => {
    errors.push(...fundProblems(FundRow, row, `/funds/${index}`, assets));
  });
  const tickers = list.map((row) => {
    const ticker = Ticker.safeParse(
      typeof row === "object" && row !== null ? (row as { ticker?: unknown }).ticker : undefined,
    );
    return ticker.success ? ticker.data : undefined;
  });
  errors.push(...repeatedTickers(tickers));
  throw invalid(errors.length > 0 ? errors : schemaErrors(failed.error.issues));
}
