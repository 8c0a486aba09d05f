import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { TokenInput } from "../../shared/schemas.ts";
import { type AppEnv, requireScope, sha256Hex } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { insertToken, revokeToken } from "../db/tokens.ts";
import { Problem } from "../problem.ts";
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

tokens.openapi(createTokenRoute, async (c) => {
  const input = c.req.valid("json");
  const token = newSecret();
  const id = crypto.randomUUID();
  await insertToken(c.env.DB, {
    id,
    name: input.name,
    hash: await sha256Hex(token),
    scopes: input.scopes,
    funds: input.funds,
  });
  return c.json({ id, token, name: input.name, scopes: input.scopes, funds: input.funds }, 201);
});

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
