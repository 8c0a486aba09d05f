import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { RevisionRow } from "../../shared/export.ts";
import type { AppEnv } from "../auth.ts";
import { sendList } from "../respond.ts";
import { ListFormat } from "./openapi.ts";
import { RevisionRowSchema } from "./read-schemas.ts";

export const revisions = new OpenAPIHono<AppEnv>();

/** A stored value as JSON; a withdrawn flow has no amount (stored empty, shown as null). */
function storedValue(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  return value.status === "withdrawn" ? { ...value, net_flow_usd: null } : value;
}

const route = createRoute({
  method: "get",
  path: "/revisions",
  summary: "What changed: every new or restated fact with its old and new value",
  request: {
    query: z.object({
      since: z
        .string()
        .refine(
          (text) => /^\d+$/.test(text) || !Number.isNaN(Date.parse(text)),
          "must be an ISO timestamp or a revision id",
        )
        .optional()
        .openapi({ description: "An ISO timestamp, or a revision id to page from" }),
      subject: z.string().optional().openapi({ description: "A fund ticker or asset symbol" }),
      entity: z.enum(["fund", "asset", "price", "flow", "holding", "event", "source_rank"]).optional(),
      restated: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "true: only revisions that replaced an old value (restatements)" }),
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ revisions: z.array(RevisionRowSchema), next_since: z.string().optional() }),
        },
      },
      description: "Revisions",
    },
  },
});

revisions.openapi(route, async (c) => {
  const query = c.req.valid("query");
  const sinceId = query.since && /^\d+$/.test(query.since) ? Number(query.since) : null;
  const sinceTime = query.since && sinceId === null ? new Date(query.since).toISOString() : null;
  // Spelled out rather than a parameter, so that SQLite can use the partial index of restatements.
  const restated = query.restated === "true" ? "AND old_value IS NOT NULL" : "";
  const { results } = await c.env.DB.prepare(
    `SELECT id, entity, subject, date, key, old_value, new_value, recorded_at, observed_at, source FROM revisions
     WHERE (?1 IS NULL OR id > ?1) AND (?2 IS NULL OR recorded_at > ?2) AND (?3 IS NULL OR subject = ?3)
       AND (?4 IS NULL OR entity = ?4) ${restated}
     ORDER BY id LIMIT ?5`,
  )
    .bind(sinceId, sinceTime, query.subject ?? null, query.entity ?? null, query.limit)
    .all<Omit<RevisionRow, "old_value" | "new_value"> & { old_value: string | null; new_value: string }>();
  const rows: RevisionRow[] = results.map((row) => ({
    ...row,
    old_value: row.old_value === null ? null : storedValue(row.old_value),
    new_value: storedValue(row.new_value),
  }));
  const next = rows.length === query.limit ? rows.at(-1)?.id : undefined;
  return sendList(c, "revisions", rows, next === undefined ? {} : { next_since: String(next) });
});
