// The API: one Hono app under /v1 composed of one router per resource, one error handler.
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./auth.ts";
import { readDataVersion, readFreshness } from "./db/meta.ts";
import { renderDocs } from "./docs.ts";
import { agents } from "./mcp/http.ts";
import { finishDocument } from "./openapi-document.ts";
import { invalid, Problem, partPrefix, pointer, problemResponse } from "./problem.ts";
import {
  acceptsGzip,
  awaitOtherRead,
  cachedRead,
  doneComputing,
  readKey,
  rememberRead,
} from "./read-cache.ts";
import { settleDerived } from "./recompute/settle.ts";
import { wantsCsv } from "./respond.ts";
import { admin } from "./routes/admin.ts";
import { aggregate } from "./routes/aggregate.ts";
import { assets } from "./routes/assets.ts";
import { backup } from "./routes/backup.ts";
import { dailyAll } from "./routes/daily-all.ts";
import { events } from "./routes/events.ts";
import { exportRoute } from "./routes/export.ts";
import { flows } from "./routes/flows.ts";
import { funds } from "./routes/funds.ts";
import { fundsBatch } from "./routes/funds-batch.ts";
import { health } from "./routes/health.ts";
import { holdings } from "./routes/holdings.ts";
import { prices } from "./routes/prices.ts";
import { revisions } from "./routes/revisions.ts";
import { summary } from "./routes/summary.ts";
import { tokens } from "./routes/tokens.ts";

export const api = new OpenAPIHono<AppEnv>({
  defaultHook: (result) => {
    if (result.success) return;
    const prefix = partPrefix(result.target);
    throw invalid(
      result.error.issues.flatMap((issue) => {
        const keys = issue.code === "unrecognized_keys" ? issue.keys : [null];
        return keys.map((key) => ({
          pointer: prefix + pointer(key === null ? issue.path : [...issue.path, key]),
          detail: key === null ? issue.message : `unknown field ${key}`,
        }));
      }),
    );
  },
});

api.use("*", async (c, next) => {
  c.set("requestId", crypto.randomUUID());
  await next();
  // Answers carry provider text (fund names, notes): no browser may sniff one into HTML.
  c.header("X-Content-Type-Options", "nosniff");
});
api.use(
  "*",
  cors({
    origin: "*",
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
    exposeHeaders: ["ETag", "Idempotent-Replayed", "Link", "Retry-After"],
  }),
);

/**
 * Reads carry an ETag of the data version and the URL: a client holding the current one gets 304
 * before any work is done, and any other client the answer computed for that version if this isolate
 * still holds it (read-cache.ts). Derived data left behind by a crash (or a deferred recompute) is
 * caught up first.
 */
api.use("*", async (c, next) => {
  if (c.req.method !== "GET" || c.req.path === "/v1/health") return next();
  const freshness = await readFreshness(c.env.DB);
  if (freshness.pending && !(await settleDerived(c.env))) {
    throw new Problem(503, "Derived figures are being recomputed after a large write; retry shortly.", [], {
      "Retry-After": "2",
    });
  }
  const etag = `W/"${freshness.dataVersion}-${await urlDigest(c.req.url)}"`;
  // Vary: a cached answer goes gzipped to the clients that accept it (read-cache.ts), so every
  // answer to the URL, and its 304, says the body depends on Accept-Encoding.
  const headers = {
    ETag: etag,
    "Cache-Control": "public, max-age=0, must-revalidate",
    Vary: "Accept-Encoding",
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  const key = readKey(freshness.dataVersion, c.req.url, wantsCsv(c));
  const gzip = acceptsGzip(c.req.raw);
  const cached =
    cachedRead(freshness.dataVersion, key, gzip) ?? (await awaitOtherRead(freshness.dataVersion, key, gzip));
  if (cached) return cached;
  try {
    await next();
    if (c.res.status !== 200) return;
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    // Kept only if no write moved the version while it was computed: it then describes that version.
    if ((await readDataVersion(c.env.DB)) === freshness.dataVersion)
      await rememberRead(freshness.dataVersion, key, c.res);
  } finally {
    doneComputing(key);
  }
});

async function urlDigest(url: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(url));
  return [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

for (const router of [
  health,
  assets,
  funds,
  fundsBatch,
  prices,
  flows,
  holdings,
  events,
  tokens,
  revisions,
  aggregate,
  summary,
  exportRoute,
  admin,
  backup,
  dailyAll,
]) {
  api.route("/", router);
}

api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
const openApiConfig = {
  openapi: "3.1.0",
  info: {
    title: "aumflow",
    version: "1",
    description:
      "Assets under management of crypto investment funds: daily flows, prices, holdings and the exact split of every AUM change into flows and market moves. For agents: /llms.txt describes the data, and /mcp serves it to MCP clients as read-only tools.",
  },
  servers: [{ url: "/v1" }],
};
api.get("/openapi.json", (c) => c.json(finishDocument(api.getOpenAPI31Document(openApiConfig))));
/** The docs page is plain HTML with inline styles: no script may run on it, whatever it shows. */
const DOCS_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
api.get("/docs", (c) =>
  c.html(
    renderDocs(finishDocument(api.getOpenAPI31Document(openApiConfig)) as unknown as Record<string, unknown>),
    200,
    {
      "Content-Security-Policy": DOCS_POLICY,
    },
  ),
);

api.notFound((c) => problemResponse(c, new Problem(404, `No such resource: ${c.req.method} ${c.req.path}.`)));
api.onError((error, c) => {
  if (error instanceof Problem) return problemResponse(c, error);
  // Hono's own refusals (the OpenAPI media-type gate answers 415 this way) keep their status.
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(c, new Problem(error.status, error.message || "The request was refused."));
  console.error(
    JSON.stringify({ level: "error", request: c.get("requestId"), path: c.req.path, message: String(error) }),
  );
  return problemResponse(c, new Problem(500, "An internal error occurred; it has been logged."));
});

export const app = new OpenAPIHono<AppEnv>();
app.route("/v1", api);
app.route("/", agents);
app.notFound((c) => problemResponse(c, new Problem(404, `No such resource: ${c.req.path}.`)));
