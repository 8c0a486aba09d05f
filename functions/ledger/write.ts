// Stores a validated batch of facts with set-based SQL: one bound JSON parameter per statement,
// however many rows. New keys and changed values get a revision and a ledger row; unchanged values
// get neither. What follows from it (data_version, the recompute queue, the Idempotency-Key record)
// is the write protocol's (write-protocol.ts), in the same transaction: a batch is wholly present or
// wholly absent, with everything that follows from it.
import { jsonChunks } from "../db/json-chunks.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import type { LedgerKind, LedgerRow } from "./kinds.ts";
import {
  commitWrite,
  countDryRun,
  dryRunCounts,
  insertRevisions,
  type WriteCounts,
} from "./write-protocol.ts";

export interface BatchWrite {
  kind: LedgerKind;
  rows: readonly LedgerRow[];
  requestId: string;
  recordedAt: string;
  claim?: IdempotencyClaim | undefined;
  /** Validate and count without storing. */
  dryRun?: boolean;
}

/** Stored columns of a row; observed_at is stored but is not part of the value a restatement changes. */
const columnsOf = (kind: LedgerKind) => [...kind.keyColumns, ...kind.valueColumns, "observed_at"];

/**
 * The batch's rows as a table: SELECT j.fund, j.date, ... FROM (this) j. Rows travel as JSON arrays in
 * columnsOf(kind) order: reading a field by position costs SQLite a third less than by name, and
 * jsonb_each gives each row parsed (JSONB), where json_each's text would be parsed once per field.
 */
function incoming(kind: LedgerKind): string {
  const fields = columnsOf(kind).map((column, index) => `value ->> ${index} AS ${column}`);
  return `(SELECT ${fields.join(", ")} FROM jsonb_each(?1))`;
}

/** The rows as JSON arrays of columns, in parameters small enough for D1 (json-chunks.ts). */
function rowsJson(kind: LedgerKind, rows: readonly LedgerRow[]): string[] {
  const columns = columnsOf(kind);
  return jsonChunks(rows.map((row) => columns.map((column) => row[column] ?? null)));
}

function latestValue(kind: LedgerKind): string {
  const pairs = kind.valueColumns.map((column) => `'${column}', l.${column}`).join(", ");
  const match = kind.keyColumns.map((column) => `l.${column} = j.${column}`).join(" AND ");
  return `(SELECT json_object(${pairs}) FROM ${kind.table} l WHERE ${match} ORDER BY l.id DESC LIMIT 1)`;
}

function incomingValue(kind: LedgerKind): string {
  return `json_object(${kind.valueColumns.map((column) => `'${column}', j.${column}`).join(", ")})`;
}

function keyText(kind: LedgerKind, alias: string): string {
  return kind.keyColumns.map((column) => `${alias}.${column}`).join(" || '|' || ");
}

/**
 * Revisions for every row whose key is new or whose value differs from the latest on record. The
 * latest value is looked up once per row (MATERIALIZED): flattened, SQLite ran that lookup once for
 * every place old_value appears, which made this statement half the cost of a bulk load.
 */
function revisionsStatement(kind: LedgerKind): string {
  return insertRevisions(`
    WITH j AS MATERIALIZED (SELECT j.*, ${latestValue(kind)} AS old_value FROM ${incoming(kind)} j)
    SELECT '${kind.entity}', j.${kind.subjectColumn}, j.date, ${keyText(kind, "j")}, old_value, ${incomingValue(kind)},
           j.source, ?3, ?2, j.observed_at
    FROM j
    WHERE (old_value IS NULL OR old_value <> ${incomingValue(kind)}) AND NOT COALESCE(${keepsOld(kind)}, 0)`);
}

const keepsOld = (kind: LedgerKind) => kind.keepsOld ?? "false";

/**
 * Ledger rows for exactly the rows that got a revision in this request. Inserted in date order: a
 * batch holds a few funds' whole histories, and fund by fund its rows would land all over the
 * by-date index once per fund; in date order they walk it once (12 → 5 µs a row at 2.5M flows).
 */
function ledgerStatement(kind: LedgerKind): string {
  const columns = columnsOf(kind);
  return `INSERT INTO ${kind.table} (${columns.join(", ")}, recorded_at, request_id)
    SELECT ${columns.map((column) => `j.${column}`).join(", ")}, ?3, ?2 FROM ${incoming(kind)} j
    WHERE EXISTS (SELECT 1 FROM revisions r WHERE r.request_id = ?2 AND r.entity = '${kind.entity}'
                  AND r.key = ${keyText(kind, "j")})
    ORDER BY j.date`;
}

/**
 * A new source of a subject ranks after the ones that reported it first. The batch's (subject,
 * source) pairs are found first, and a rank is worked out only for a pair not on record yet: the
 * rank's lookup once per row was most of this statement's cost.
 */
function sourceRanksStatement(kind: LedgerKind): string {
  const subject = kind.subjectColumn;
  return `INSERT OR IGNORE INTO source_ranks (subject, source, rank)
    SELECT p.subject, p.source,
      (SELECT COALESCE(MAX(rank), 0) + 1 FROM source_ranks s WHERE s.subject = p.subject)
    FROM (SELECT DISTINCT j.${subject} AS subject, j.source FROM ${incoming(kind)} j) p
    WHERE NOT EXISTS (SELECT 1 FROM source_ranks s WHERE s.subject = p.subject AND s.source = p.source)`;
}

/** What a dry run would store: the same comparison as the revisions statement, counted. */
function dryRunStatement(kind: LedgerKind): string {
  return dryRunCounts(
    `(SELECT j.*, ${latestValue(kind)} AS old_value FROM ${incoming(kind)} j) j`,
    `old_value IS NOT NULL AND old_value <> ${incomingValue(kind)} AND NOT COALESCE(${keepsOld(kind)}, 0)`,
  );
}

/**
 * The rows (by index) whose observed_at is earlier than the time the latest value of their key was seen:
 * a publisher's history is replayed forwards, so the latest value on record is always the newest seen.
 */
export async function observedTooEarly(
  db: D1Database,
  kind: LedgerKind,
  rows: readonly LedgerRow[],
): Promise<{ index: number; latest: string }[]> {
  // Each row travels as [index, ...key columns, observed_at].
  const columns = [...kind.keyColumns, "observed_at"];
  const observed = rows.flatMap((row, index) =>
    row.observed_at ? [[index, ...columns.map((column) => row[column] ?? null)]] : [],
  );
  if (observed.length === 0) return [];
  const match = kind.keyColumns.map((column, at) => `l.${column} = j.value ->> ${at + 1}`).join(" AND ");
  const found: { index: number; latest: string }[] = [];
  for (const json of jsonChunks(observed)) {
    const { results } = await db
      .prepare(
        `SELECT position AS "index", latest FROM (
           SELECT j.value ->> 0 AS position, j.value ->> ${columns.length} AS observed_at,
             (SELECT COALESCE(l.observed_at, l.recorded_at) FROM ${kind.table} l WHERE ${match}
              ORDER BY l.id DESC LIMIT 1) AS latest
           FROM json_each(?1) j)
         WHERE latest > observed_at`,
      )
      .bind(json)
      .all<{ index: number; latest: string }>();
    found.push(...results);
  }
  return found;
}

export async function writeBatch(db: D1Database, write: BatchWrite): Promise<WriteCounts> {
  const { kind, rows, requestId, recordedAt } = write;
  const chunks = rowsJson(kind, rows);
  if (write.dryRun) {
    const parts = chunks.map((json) => db.prepare(dryRunStatement(kind)).bind(json));
    return countDryRun(db, kind, parts, rows.length);
  }
  const stores = chunks.flatMap((json) => [
    db.prepare(revisionsStatement(kind)).bind(json, requestId, recordedAt),
    db.prepare(ledgerStatement(kind)).bind(json, requestId, recordedAt),
    db.prepare(sourceRanksStatement(kind)).bind(json),
  ]);
  stores.push(...(kind.followUps ?? []).map((sql) => db.prepare(sql).bind(requestId)));
  return commitWrite(db, { kind, requestId, stores, total: rows.length, claim: write.claim });
}
