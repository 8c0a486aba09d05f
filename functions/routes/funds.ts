import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FundInput, IsoDate, Ticker, WriteResult } from "../../shared/schemas.ts";
import { type AppEnv, fundsOutOfReach, requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { listFundSummaries } from "../db/funds.ts";
import { canonicalTicker, loadAssets } from "../db/reference.ts";
import { idempotency } from "../idempotency.ts";
import type { FailedPart } from "../ledger/batch.ts";
import { submitFunds, type WriteContext } from "../ledger/submit.ts";
import { BatchErrors, checkFundReference, fundProblems, schemaErrors } from "../ledger/validate.ts";
import { invalid, Problem, partPrefix } from "../problem.ts";
import { sendList } from "../respond.ts";
import { fundDaily } from "./daily.ts";
import { bearer, ListFormat, PARAMETER_PROBLEMS, problem, WRITE_PROBLEMS, WriteHeaders } from "./openapi.ts";
import { FundDayRowSchema, FundSummarySchema } from "./read-schemas.ts";

export const funds = new OpenAPIHono<AppEnv>();

const TickerParam = z.object({ ticker: Ticker.openapi({ param: { name: "ticker", in: "path" } }) });
const NO_SUCH_FUND = problem("No such fund");
const CsvTable = { "text/csv": { schema: z.string().openapi({ description: "The rows as a CSV table" }) } };

const putFund = createRoute({
  method: "put",
  path: "/funds/{ticker}",
  summary: "Create or update a fund's metadata (every change is kept as a revision)",
  security: bearer,
  middleware: [requireScope("funds:write"), jsonBody, idempotency] as const,
  request: {
    params: TickerParam,
    headers: WriteHeaders,
    body: { content: { "application/json": { schema: FundInput } }, required: true },
  },
  responses: {
    200: { content: { "application/json": { schema: WriteResult } }, description: "Stored" },
    ...WRITE_PROBLEMS,
  },
});

funds.openapi(
  putFund,
  async (context) => {
    const c = context as unknown as WriteContext;
    const { ticker } = context.req.valid("param");
    const input = context.req.valid("json");
    const caller = c.get("caller");
    if ((await fundsOutOfReach(c.env.DB, caller, [{ pointer: "", fund: ticker }])).length > 0) {
      throw new Problem(403, `This token may not write fund ${ticker}.`);
    }
    const errors = new BatchErrors();
    const assets = new Set((await loadAssets(c.env.DB)).keys());
    checkFundReference(errors, "", input, assets);
    if (errors.errors.length > 0) throw invalid(errors.errors);
    // One fund is a batch of one: the same revisions, recompute queue and Idempotency-Key record, in one
    // transaction, as POST /v1/funds.
    return submitFunds(c, [{ ticker, ...input }], false);
  },
  (result, c) => (result.success ? undefined : refuseFund(c as unknown as WriteContext, result)),
);

/**
 * A body that failed its schema is refused with every problem at once: the schema's, and the reference
 * checks (unknown asset, calendar, listing day closed) of the fields that passed it.
 */
async function refuseFund(c: WriteContext, failed: FailedPart): Promise<never> {
  if (failed.target !== "json") throw invalid(schemaErrors(failed.error.issues, partPrefix(failed.target)));
  const assets = new Set((await loadAssets(c.env.DB)).keys());
  const problems = fundProblems(FundInput, await c.req.json(), "", assets);
  throw invalid(problems.length > 0 ? problems : schemaErrors(failed.error.issues));
}

const listRoute = createRoute({
  method: "get",
  path: "/funds",
  summary: "Every fund: metadata, latest AUM, coins held, cumulative flow and market share",
  request: { query: z.object({ format: ListFormat }) },
  responses: {
    200: {
      content: {
        "application/json": { schema: z.object({ funds: z.array(FundSummarySchema) }) },
        ...CsvTable,
      },
      description: "Funds",
    },
  },
});

funds.openapi(listRoute, async (c) => sendList(c, "funds", await listFundSummaries(c.env.DB)));

const oneRoute = createRoute({
  method: "get",
  path: "/funds/{ticker}",
  summary: "One fund: metadata and latest figures",
  request: { params: TickerParam },
  responses: {
    200: { content: { "application/json": { schema: FundSummarySchema } }, description: "The fund" },
    404: NO_SUCH_FUND,
    422: PARAMETER_PROBLEMS,
  },
});

funds.openapi(oneRoute, async (c) => {
  const { ticker } = c.req.valid("param");
  const [fund] = await listFundSummaries(c.env.DB, await canonicalTicker(c.env.DB, ticker));
  if (!fund) throw new Problem(404, `No fund ${ticker}.`);
  return c.json(fund, 200);
});

const dailyRoute = createRoute({
  method: "get",
  path: "/funds/{ticker}/daily",
  summary: "One row per calendar day: state, price, coins, AUM, flow and the split of the AUM change",
  request: {
    params: TickerParam,
    query: z.object({
      from: IsoDate.optional(),
      to: IsoDate.optional(),
      as_of: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: "Figures as known at this moment" }),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({
            fund: z.string().openapi({ description: "The ticker as asked for" }),
            as_of: z.string().optional().openapi({ description: "The as_of asked for, when one was" }),
            rows: z.array(FundDayRowSchema),
          }),
        },
        ...CsvTable,
      },
      description: "Daily rows, by date",
    },
    404: NO_SUCH_FUND,
    422: PARAMETER_PROBLEMS,
  },
});

funds.openapi(dailyRoute, async (c) => {
  const { ticker } = c.req.valid("param");
  const query = c.req.valid("query");
  const rows = await fundDaily(c.env, ticker, query);
  return sendList(c, "rows", rows, { fund: ticker, ...(query.as_of ? { as_of: query.as_of } : {}) });
});
