// The write side of a backup: a restore into an empty database, in numbered batches.
//
//   begin   checks the schema level and that the database is empty, and records the restore (its file's
//           checksum, row counts and number of batches) in meta under "restore";
//   batch   writes batch `seq` of a table in one transaction, together with the move of the restore's
//           `next`: a batch is stored whole or not at all, exactly once (a retry of a stored batch is
//           answered "already", one ahead of `next` is refused), so an interrupted restore says where
//           it stopped and the same command resumes it;
//   finish  checks every table's count, sets data_version, and queues every fund for the recompute
//           (as POST /v1/admin/recompute does), which /v1/admin/settle then works off.

import { jsonChunks } from "../db/json-chunks.ts";
import { META, readDataVersion } from "../db/meta.ts";
import { batchWithRetry } from "../db/write-retry.ts";
import { rebuildStatements } from "../ledger/write-protocol.ts";
import { Problem } from "../problem.ts";
import { SUMMARY_KEY } from "../recompute/publish.ts";
import { countRows } from "./read.ts";
import {
  appliedMigrations,
  BACKUP_TABLES,
  type BackupTable,
  columnsOf,
  DATA_TABLES,
  META_NOT_BACKED_UP,
  META_WRITTEN_AT_FINISH,
  quoted,
  RESTORE_KEY,
} from "./tables.ts";

export interface RestoreState {
  id: string;
  /** The checksum of the file being restored: the same file resumes, another is refused. */
  sha256: string;
  /** The batch the restore expects next; batches 0 to next - 1 are stored. */
  next: number;
  batches: number;
  /** The data_version of the backup, set when the restore finishes. */
  data_version: number;
  counts: Record<string, number>;
  started_at: string;
}

export async function readRestore(db: D1Database): Promise<RestoreState | null> {
  const value = await db
    .prepare("SELECT value FROM meta WHERE key = ?1")
    .bind(RESTORE_KEY)
    .first<string>("value");
  return value ? (JSON.parse(value) as RestoreState) : null;
}

/** The KV summary is a cache: GET /v1/summary rebuilds a missing one, so a failed delete is only logged. */
async function forgetSummary(kv: KVNamespace): Promise<void> {
  try {
    await kv.delete(SUMMARY_KEY);
  } catch (error) {
    console.error(
      JSON.stringify({ level: "warn", message: `summary not deleted from KV: ${String(error)}` }),
    );
  }
}

export interface BeginInput {
  sha256: string;
  migrations: string[];
  data_version: number;
  counts: Record<string, number>;
  batches: number;
}

function describeCounts(counts: Record<string, number>, names: readonly string[]): string {
  return names
    .filter((name) => (counts[name] ?? 0) > 0)
    .map((name) => `${name} ${counts[name]}`)
    .join(", ");
}

export async function beginRestore(
  db: D1Database,
  kv: KVNamespace,
  input: BeginInput,
): Promise<{ restore: string; next: number; batches: number; resumed: boolean }> {
  const migrations = await appliedMigrations(db);
  if (JSON.stringify(migrations) !== JSON.stringify(input.migrations)) {
    throw new Problem(
      409,
      `The backup was taken at migration ${input.migrations.at(-1) ?? "(none)"} (${input.migrations.length} applied); ` +
        `this database is at ${migrations.at(-1) ?? "(none)"} (${migrations.length}). Restore into a database ` +
        "migrated to exactly the backup's level, then apply the later migrations.",
    );
  }
  const missing = BACKUP_TABLES.filter((table) => !Number.isInteger(input.counts[table.name]));
  if (missing.length > 0) {
    throw new Problem(422, "The counts must name every table of a backup.", [
      { pointer: "/counts", detail: `no count for ${missing.map((table) => table.name).join(", ")}` },
    ]);
  }
  const existing = await readRestore(db);
  if (existing) return resumeOrRefuse(existing, input);
  const [counts, dataVersion] = await Promise.all([countRows(db), readDataVersion(db)]);
  const filled = describeCounts(counts, DATA_TABLES);
  if (filled !== "" || dataVersion !== 0) {
    throw new Problem(
      409,
      `The database is not empty (${filled || "no rows"}; data_version ${dataVersion}): a restore only ` +
        "writes into an empty one. Restore into a fresh D1 database with the migrations applied.",
    );
  }
  const state: RestoreState = {
    id: crypto.randomUUID(),
    sha256: input.sha256,
    next: 0,
    batches: input.batches,
    data_version: input.data_version,
    counts: input.counts,
    started_at: new Date().toISOString(),
  };
  // Recorded only while the database is still empty and no other restore began meanwhile.
  const empty = DATA_TABLES.map((name) => `NOT EXISTS (SELECT 1 FROM ${quoted(name)})`).join(" AND ");
  const recorded = await db
    .prepare(`INSERT INTO meta (key, value) SELECT ?1, ?2 WHERE ${empty} ON CONFLICT (key) DO NOTHING`)
    .bind(RESTORE_KEY, JSON.stringify(state))
    .run();
  if (recorded.meta.changes !== 1) {
    const other = await readRestore(db);
    if (other) return resumeOrRefuse(other, input);
    throw new Problem(409, "The database stopped being empty while the restore began; nothing was restored.");
  }
  // A summary cached by an earlier life of this deployment must not outlive the data it described.
  await forgetSummary(kv);
  return { restore: state.id, next: 0, batches: state.batches, resumed: false };
}

function resumeOrRefuse(existing: RestoreState, input: BeginInput) {
  if (existing.sha256 !== input.sha256 || existing.batches !== input.batches) {
    throw new Problem(
      409,
      `Another restore is in progress here (file sha256 ${existing.sha256.slice(0, 12)}…, started ` +
        `${existing.started_at}, ${existing.next} of ${existing.batches} batches stored). Resume it with ` +
        "the same file, or restore into a fresh database.",
    );
  }
  return { restore: existing.id, next: existing.next, batches: existing.batches, resumed: true };
}

export interface BatchInput {
  restore: string;
  seq: number;
  table: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** The statement storing one chunk of a table's rows (?1), if the restore (?3) still expects batch ?2. */
function insertStatement(table: BackupTable, columns: readonly string[]): string {
  const values = columns.map((_, index) => `value ->> ${index}`).join(", ");
  const expected = `(SELECT value FROM meta WHERE key = '${RESTORE_KEY}') ->> '$.next' = CAST(?2 AS INTEGER)
    AND (SELECT value FROM meta WHERE key = '${RESTORE_KEY}') ->> '$.id' = ?3`;
  const only =
    table.name === "meta"
      ? ` AND value ->> 0 NOT IN (${[...META_NOT_BACKED_UP, ...META_WRITTEN_AT_FINISH].map((key) => `'${key}'`).join(", ")})`
      : "";
  const others = columns.filter((column) => !table.key.includes(column));
  const upsert = table.seeded
    ? ` ON CONFLICT (${table.key.map(quoted).join(", ")}) DO UPDATE SET ${others.map((column) => `${quoted(column)} = excluded.${quoted(column)}`).join(", ")}`
    : "";
  return `INSERT INTO ${quoted(table.name)} (${columns.map(quoted).join(", ")})
    SELECT ${values} FROM json_each(?1) WHERE ${expected}${only}${upsert}`;
}

const ADVANCE = `UPDATE meta SET value = json_set(value, '$.next', CAST(?2 AS INTEGER) + 1)
  WHERE key = '${RESTORE_KEY}' AND value ->> '$.next' = CAST(?2 AS INTEGER) AND value ->> '$.id' = ?3
  RETURNING value ->> '$.next' AS next`;

export async function restoreBatch(
  db: D1Database,
  input: BatchInput,
): Promise<{ stored: number; next: number; already?: true }> {
  const state = await readRestore(db);
  if (!state || state.id !== input.restore) {
    throw new Problem(409, `No restore ${input.restore} is in progress here; begin one first.`);
  }
  if (input.seq < state.next) return { stored: 0, next: state.next, already: true };
  if (input.seq > state.next) {
    throw new Problem(409, `Batch ${input.seq} is ahead of the restore, which expects batch ${state.next}.`);
  }
  if (input.seq >= state.batches) {
    throw new Problem(422, `The restore has ${state.batches} batches; there is no batch ${input.seq}.`);
  }
  const table = BACKUP_TABLES.find((candidate) => candidate.name === input.table);
  if (!table)
    throw new Problem(422, `No table ${input.table} is restored.`, [
      { pointer: "/table", detail: "unknown table" },
    ]);
  const columns = await columnsOf(db, table);
  if (JSON.stringify(columns) !== JSON.stringify(input.columns)) {
    throw new Problem(422, `The columns of ${table.name} differ from this database's.`, [
      { pointer: "/columns", detail: `this database has ${columns.join(", ")}` },
    ]);
  }
  const width = columns.length;
  const wrong = input.rows.findIndex((row) => row.length !== width);
  if (wrong >= 0) {
    throw new Problem(422, `A row of ${table.name} has the wrong number of values.`, [
      {
        pointer: `/rows/${wrong}`,
        detail: `${input.rows[wrong]?.length} values; ${table.name} has ${width} columns`,
      },
    ]);
  }
  const sql = insertStatement(table, columns);
  const statements = jsonChunks(input.rows).map((json) =>
    db.prepare(sql).bind(json, input.seq, input.restore),
  );
  statements.push(db.prepare(ADVANCE).bind(null, input.seq, input.restore));
  // Re-running a stored batch writes nothing (its inserts and the advance expect the batch it was), so a
  // retry after a commit whose answer was lost is safe as it is.
  let results: D1Result<{ next: number }>[];
  try {
    results = await batchWithRetry<{ next: number }>(db, statements);
  } catch (error) {
    const constraint =
      /(?:UNIQUE|NOT NULL|CHECK|FOREIGN KEY|PRIMARY KEY) constraint failed(?:: [\w.]+(?:, [\w.]+)*)?/.exec(
        String(error),
      );
    if (!constraint) throw error;
    const kept = input.seq === 0 ? "No batch is stored" : `Batches 0 to ${input.seq - 1} are stored`;
    throw new Problem(
      422,
      `Batch ${input.seq} (${table.name}) was refused whole: ${constraint[0]}. ${kept}; none of this one.`,
    );
  }
  const advanced = results.at(-1)?.results[0]?.next;
  if (advanced === input.seq + 1) return { stored: input.rows.length, next: advanced };
  const after = await readRestore(db);
  return { stored: 0, next: after?.next ?? state.next, already: true };
}

export async function finishRestore(
  db: D1Database,
  kv: KVNamespace,
  restore: string,
): Promise<{ data_version: number; funds: number; rows: Record<string, number> }> {
  const state = await readRestore(db);
  if (!state || state.id !== restore) throw new Problem(409, `No restore ${restore} is in progress here.`);
  if (state.next !== state.batches) {
    throw new Problem(409, `Only ${state.next} of ${state.batches} batches are stored; send the rest first.`);
  }
  const counts = await countRows(db);
  const wrong = BACKUP_TABLES.filter((table) => counts[table.name] !== state.counts[table.name]);
  if (wrong.length > 0) {
    throw new Problem(
      409,
      `The restored rows do not add up: ${wrong
        .map((table) => `${table.name} ${counts[table.name]} of ${state.counts[table.name]}`)
        .join(", ")}. The database holds a partial restore; restore into a fresh one.`,
    );
  }
  // Every statement runs only while this restore is on record, so a retry after a lost answer is a no-op.
  const ours = `EXISTS (SELECT 1 FROM meta WHERE key = '${RESTORE_KEY}' AND value ->> '$.id' = ?1)`;
  const results = await batchWithRetry<{ funds: number }>(db, [
    db
      .prepare(
        `UPDATE meta SET value = CAST(CASE WHEN CAST(value AS INTEGER) = 0 THEN CAST(?2 AS INTEGER)
           ELSE MAX(CAST(?2 AS INTEGER), CAST(value AS INTEGER)) + 1 END AS TEXT)
         WHERE key = '${META.dataVersion}' AND ${ours}`,
      )
      .bind(restore, state.data_version),
    // The derived rows are forgotten and every fund queued, as POST /v1/admin/recompute does.
    ...rebuildStatements(db, ours, [restore]),
    db.prepare(`DELETE FROM meta WHERE key = '${RESTORE_KEY}' AND value ->> '$.id' = ?1`).bind(restore),
  ]);
  await forgetSummary(kv);
  return {
    data_version: await readDataVersion(db),
    funds: results.at(-2)?.results[0]?.funds ?? 0,
    rows: counts,
  };
}
