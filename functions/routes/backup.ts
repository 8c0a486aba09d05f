// Backup and restore (admin only): the endpoints `npm run backup` and `npm run restore` drive, locally
// and against a deployment alike. They are POSTs, reads included: an answer holds token hashes, and the
// read cache in front of every GET (app.ts) keys answers by URL before a route checks its token, as a
// CDN would; a POST is never cached.
import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { type Cell, MAX_PAGE_ROWS } from "../../shared/backup.ts";
import { type AppEnv, requireScope } from "../auth.ts";
import { readManifest, readPage } from "../backup/read.ts";
import { beginRestore, finishRestore, restoreBatch } from "../backup/restore.ts";
import { BACKUP_TABLES, backupTable } from "../backup/tables.ts";
import { jsonBody } from "../body.ts";
import { Problem } from "../problem.ts";
import { bearer, WRITE_PROBLEMS } from "./openapi.ts";

export const backup = new OpenAPIHono<AppEnv>();

const TableName = z.enum(BACKUP_TABLES.map((table) => table.name) as [string, ...string[]]);
const CellValue = z.union([z.string(), z.number(), z.null()]);
const ADMIN_PROBLEMS = {
  401: WRITE_PROBLEMS[401],
  403: WRITE_PROBLEMS[403],
  409: WRITE_PROBLEMS[409],
  422: WRITE_PROBLEMS[422],
  429: WRITE_PROBLEMS[429],
};

/**
 * The shape every backup and restore route shares: a POST behind the admin scope answering JSON or a
 * problem. A route that reads a body has it checked (size, type, JSON) before its schema.
 */
function adminRoute<
  Path extends string,
  Answer extends z.ZodType,
  Request extends NonNullable<RouteConfig["request"]> = Record<never, never>,
>(route: { path: Path; summary: string; request?: Request; answer: Answer; answered: string }) {
  return createRoute({
    method: "post",
    path: route.path,
    summary: route.summary,
    security: bearer,
    middleware: route.request?.body ? [requireScope("admin"), jsonBody] : [requireScope("admin")],
    request: route.request ?? ({} as Request),
    responses: {
      200: { content: { "application/json": { schema: route.answer } }, description: route.answered },
      ...ADMIN_PROBLEMS,
    },
  });
}

/** A request whose body is `schema` as JSON, required. */
const jsonRequest = <Schema extends z.ZodType>(schema: Schema) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

const TableManifest = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  key: z.array(z.string()),
  rows: z.number().int(),
});
const ManifestSchema = z
  .object({
    format: z.literal("aumflow-backup"),
    version: z.literal(1),
    migrations: z.array(z.string()),
    data_version: z.number().int(),
    tables: z.array(TableManifest),
    empty: z.boolean(),
    restore: z
      .object({
        sha256: z.string(),
        next: z.number().int(),
        batches: z.number().int(),
        data_version: z.number().int(),
        started_at: z.string(),
      })
      .nullable(),
  })
  .openapi("BackupManifest");

const manifestRoute = adminRoute({
  path: "/admin/backup",
  summary:
    "What a backup holds: the migrations applied, every backed-up table with its columns, key and row count, and whether the database is empty (admin)",
  answer: ManifestSchema,
  answered: "The manifest",
});

backup.openapi(manifestRoute, async (c) => c.json(await readManifest(c.env.DB), 200));

const pageRoute = adminRoute({
  path: "/admin/backup/{table}",
  summary: "A page of one table's rows in primary-key order, every column (admin)",
  request: {
    params: z.object({ table: TableName.openapi({ param: { name: "table", in: "path" } }) }),
    query: z.object({
      after: z.string().max(4000).optional().openapi({
        description:
          "The `next` of the previous page, as JSON (a key such as [1234]); none for the first page",
      }),
      limit: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).default(5000),
    }),
  },
  answer: z.object({
    table: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.array(CellValue)),
    next: z.array(CellValue).nullable(),
  }),
  answered: "Rows as arrays of the columns' values; next is null after the last page",
});

backup.openapi(pageRoute, async (c) => {
  const { table: name } = c.req.valid("param");
  const { after, limit } = c.req.valid("query");
  const table = backupTable(name);
  if (!table) throw new Problem(404, `No table ${name} is backed up.`);
  return c.json(
    await readPage(c.env.DB, table, after === undefined ? null : cursor(after, table.key.length), limit),
    200,
  );
});

function cursor(text: string, length: number): Cell[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const cells = z
    .array(z.union([z.string(), z.number()]))
    .length(length)
    .safeParse(value);
  if (!cells.success) {
    throw new Problem(422, "after must be the next of the previous page.", [
      { pointer: "/query/after", detail: `a JSON array of the ${length} key value(s) of the last row read` },
    ]);
  }
  return cells.data;
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lower-case hex");

const beginRoute = adminRoute({
  path: "/admin/restore/begin",
  summary:
    "Begin (or resume) restoring a backup into this database, which must be empty and at the backup's migration level (admin)",
  request: jsonRequest(
    z
      .object({
        sha256: Sha256,
        migrations: z.array(z.string().max(200)).max(1000),
        data_version: z.number().int().min(0),
        counts: z.record(z.string(), z.number().int().min(0)),
        batches: z.number().int().min(0),
      })
      .strict(),
  ),
  answer: z.object({
    restore: z.string(),
    next: z.number().int(),
    batches: z.number().int(),
    resumed: z.boolean(),
  }),
  answered: "The restore's id and the batch it expects next (0, or where an interrupted one stopped)",
});

backup.openapi(beginRoute, async (c) =>
  c.json(await beginRestore(c.env.DB, c.env.KV, c.req.valid("json")), 200),
);

const batchRoute = adminRoute({
  path: "/admin/restore/batch",
  summary:
    "Store batch seq of a restore: rows of one table, all or nothing, exactly once (a stored batch sent again is answered already) (admin)",
  request: jsonRequest(
    z
      .object({
        restore: z.string().max(64),
        seq: z.number().int().min(0),
        table: TableName,
        columns: z.array(z.string().max(200)).max(100),
        rows: z.array(z.array(CellValue)).max(MAX_PAGE_ROWS),
      })
      .strict(),
  ),
  answer: z.object({
    stored: z.number().int(),
    next: z.number().int(),
    already: z.boolean().optional(),
  }),
  answered: "Stored (or stored before); next is the batch the restore expects now",
});

backup.openapi(batchRoute, async (c) => c.json(await restoreBatch(c.env.DB, c.req.valid("json")), 200));

const finishRoute = adminRoute({
  path: "/admin/restore/finish",
  summary:
    "Finish a restore: check every table's count, set data_version and queue every fund for the recompute (POST /v1/admin/settle then works it off) (admin)",
  request: jsonRequest(z.object({ restore: z.string().max(64) }).strict()),
  answer: z.object({
    data_version: z.number().int(),
    funds: z.number().int(),
    rows: z.record(z.string(), z.number().int()),
  }),
  answered: "Restored; the funds queued for the recompute",
});

backup.openapi(finishRoute, async (c) =>
  c.json(await finishRestore(c.env.DB, c.env.KV, c.req.valid("json").restore), 200),
);
