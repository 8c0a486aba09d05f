import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Ticker, TokenInput } from "../../shared/schemas.ts";
import { type AppEnv, requireScope, sha256Hex } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { loadFunds } from "../db/reference.ts";
import { insertToken, revokeToken } from "../db/tokens.ts";
import type { FailedPart } from "../ledger/batch.ts";
import { schemaErrors } from "../ledger/validate.ts";
import { type FieldError, invalid, Problem, partPrefix } from "../problem.ts";
import { bearer, problem, WRITE_PROBLEMS } from "./openapi.ts";

export const tokens = new OpenAPIHono<AppEnv>();

const createTokenRoute = createRoute({
  method: "post",
  path: "/tokens",
  summary: "Create a provider token (admin). The token is shown once; only its hash is stored.",
  security: bearer,
  middleware: [requireScope("admin"), jsonBody] as const,
  request: { body: { content: { "application/json": { schema: TokenInput } }, required: true } },
  responses: {
    201: {
      content: { "application/json": { schema: z.object({ id: z.string(), token: z.string() }) } },
      description: "Created",
    },
    ...WRITE_PROBLEMS,
  },
});

/** 32 random bytes, URL-safe: unguessable, and the prefix tells a leaked token for what it is. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `af_${btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "")}`;
}

/**
 * The funds a token is limited to, each as the fund's ticker (a former ticker names its fund), once;
 * every ticker that names no fund is an error at its index.
 */
async function resolveFunds(
  db: D1Database,
  tickers: readonly { index: number; ticker: string }[],
): Promise<{ funds: string[]; errors: FieldError[] }> {
  if (tickers.length === 0) return { funds: [], errors: [] };
  const known = await loadFunds(
    db,
    tickers.map(({ ticker }) => ticker),
  );
  const funds = new Set<string>();
  const errors: FieldError[] = [];
  for (const { index, ticker } of tickers) {
    const fund = known.get(ticker);
    if (fund) funds.add(fund.ticker);
    else
      errors.push({
        pointer: `/funds/${index}`,
        detail: `unknown fund ${ticker}; create it with PUT /v1/funds/${ticker} first`,
      });
  }
  return { funds: [...funds], errors };
}

tokens.openapi(
  createTokenRoute,
  async (c) => {
    const input = c.req.valid("json");
    let funds: string[] | null = null;
    if (input.funds) {
      const resolved = await resolveFunds(
        c.env.DB,
        input.funds.map((ticker, index) => ({ index, ticker })),
      );
      if (resolved.errors.length > 0) throw invalid(resolved.errors);
      funds = resolved.funds;
    }
    const token = newSecret();
    const id = crypto.randomUUID();
    await insertToken(c.env.DB, {
      id,
      name: input.name,
      hash: await sha256Hex(token),
      scopes: input.scopes,
      funds,
    });
    return c.json({ id, token, name: input.name, scopes: input.scopes, funds }, 201);
  },
  (result, c) => (result.success ? undefined : refuseToken(c.env.DB, c.req, result)),
);

/** A body that failed its schema: its faults, and the unknown funds among the well-formed tickers, together. */
async function refuseToken(
  db: D1Database,
  request: { json(): Promise<unknown> },
  failed: FailedPart,
): Promise<never> {
  const errors = schemaErrors(failed.error.issues, partPrefix(failed.target));
  if (failed.target === "json") {
    const body = await request.json();
    const listed =
      typeof body === "object" && body !== null ? (body as { funds?: unknown }).funds : undefined;
    const tickers = (Array.isArray(listed) ? listed : []).flatMap((ticker, index) =>
      Ticker.safeParse(ticker).success ? [{ index, ticker: ticker as string }] : [],
    );
    errors.push(...(await resolveFunds(db, tickers)).errors);
  }
  throw invalid(errors);
}

const revokeRoute = createRoute({
  method: "delete",
  path: "/tokens/{id}",
  summary: "Revoke a token (admin)",
  security: bearer,
  middleware: [requireScope("admin")] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .max(64)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ id: z.string(), revoked: z.boolean() }) } },
      description: "Revoked",
    },
    401: WRITE_PROBLEMS[401],
    403: WRITE_PROBLEMS[403],
    404: problem("No live token with that id"),
  },
});

tokens.openapi(revokeRoute, async (c) => {
  const { id } = c.req.valid("param");
  if (!(await revokeToken(c.env.DB, id))) throw new Problem(404, `No live token ${id}.`);
  return c.json({ id, revoked: true }, 200);
});
