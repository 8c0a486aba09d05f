// The way of a write (docs/method.md, "The way of a write"). Whatever a write stores (flows, prices,
// holdings, events, funds, a source ranking, an asset), the same steps follow in its one transaction:
// data_version moves when it changed something, the funds whose derived rows it made stale are queued
// for the recompute, its Idempotency-Key record is completed, and its counts are read. A writer brings
// the statements that store its facts and their revisions, and the descriptor of its kind; commitWrite
// adds the rest. Every step but the stores binds one parameter, ?1, the request id.
import { DATA_VERSION_SQL, META } from "../db/meta.ts";
import { batchWithRetry, revisionsOfRequest } from "../db/write-retry.ts";
import type { IdempotencyClaim } from "../idempotency.ts";

/** What the protocol needs to know of a kind of fact: adding a kind means adding one of these. */
export interface FactKind {
  /** Its revisions' `entity`. */
  entity: string;
  /**
   * SELECT fund, date: each fund whose derived rows the request (?1) made stale, from a date it touched
   * (a fund may come more than once: its earliest date counts). Absent when no derived row reads it.
   */
  affects?: string;
}

export interface WriteCounts {
  inserted: number;
  restated: number;
  unchanged: number;
  data_version: number;
}

export type CountRow = Omit<WriteCounts, "unchanged">;

/** The columns of a revision, in the order the SQL given to insertRevisions selects them. */
const REVISION_COLUMNS =
  "entity, subject, date, key, old_value, new_value, source, recorded_at, request_id, observed_at";

/** SQL storing the revisions `select` yields (its columns in REVISION_COLUMNS order). */
export const insertRevisions = (select: string) => `INSERT INTO revisions (${REVISION_COLUMNS}) ${select}`;

export interface Revision {
  subject: string;
  old: unknown;
  new: unknown;
  source: string;
  recordedAt: string;
  requestId: string;
}

/** One revision of a subject's undated value (a source ranking, an asset), as JSON; old null when new. */
export function revisionStatement(db: D1Database, kind: FactKind, revision: Revision): D1PreparedStatement {
  return db
    .prepare(insertRevisions("VALUES (?1, ?2, NULL, ?2, ?3, ?4, ?5, ?6, ?7, NULL)"))
    .bind(
      kind.entity,
      revision.subject,
      revision.old === null ? null : JSON.stringify(revision.old),
      JSON.stringify(revision.new),
      revision.source,
      revision.recordedAt,
      revision.requestId,
    );
}

/** The funds a request revised of an entity keyed by fund, from each revision's date. */
export const revisedFunds = (entity: string) =>
  `SELECT subject AS fund, date FROM revisions WHERE request_id = ?1 AND entity = '${entity}'`;

/** A write that changed nothing leaves data_version where it was: caches and the site stay valid. */
const BUMP_DATA_VERSION = `UPDATE meta SET value = CAST(value AS INTEGER) + 1
  WHERE key = '${META.dataVersion}' AND EXISTS (SELECT 1 FROM revisions WHERE request_id = ?1)`;

/**
 * SQL queueing the funds `affects` selects (fund, date) for the recompute from their earliest date,
 * stamped with data_version (a newer queueing is never lost to an older round's delete).
 */
export const queueRecompute = (affects: string) => `INSERT INTO recompute_queue (fund, from_date, seq)
  SELECT fund, MIN(date), ${DATA_VERSION_SQL} FROM (${affects}) WHERE true GROUP BY fund
  ON CONFLICT (fund) DO UPDATE SET from_date = MIN(from_date, excluded.from_date), seq = excluded.seq`;

/**
 * SQL marking every group's sums stale from the earliest day `earliest` selects, if earlier than the
 * mark on record: the recompute then re-sums them in bulk from there (recompute/resum.ts).
 */
export const markSumsStale = (earliest: string, when = "true") => `UPDATE meta SET value = COALESCE(
    (SELECT MIN(day) FROM (SELECT NULLIF(value, '') AS day FROM meta WHERE key = '${META.aggregatesStaleFrom}'
                           UNION ALL ${earliest})), '')
  WHERE key = '${META.aggregatesStaleFrom}' AND ${when}`;

/**
 * Forgets every derived row and queues every fund from its first day (an admin rebuild, a restore),
 * each statement only `when` holds (its parameters `params`). The last answers { funds } queued.
 */
export function rebuildStatements(
  db: D1Database,
  when = "true",
  params: unknown[] = [],
): D1PreparedStatement[] {
  return [
    `DELETE FROM fund_days WHERE ${when}`,
    `DELETE FROM aggregate_days WHERE ${when}`,
    // Every fund is rewritten: the group sums are re-summed once at the end, not corrected per fund.
    markSumsStale("SELECT '0000-01-01'", when),
    queueRecompute(`SELECT ticker AS fund, '0000-01-01' AS date FROM funds WHERE ${when}`),
    `SELECT COUNT(*) AS funds FROM funds WHERE ${when}`,
  ].map((sql) => db.prepare(sql).bind(...params));
}

/**
 * The request's revisions counted in one pass (a large batch has thousands): `revised` in all,
 * `inserted` of them for a new key; the others restated.
 */
const REVISED = `(SELECT COUNT(*) AS revised, COALESCE(SUM(old_value IS NULL), 0) AS inserted
  FROM revisions WHERE request_id = ?1)`;
const COUNTS = `SELECT inserted, revised - inserted AS restated, ${DATA_VERSION_SQL} AS data_version FROM ${REVISED}`;

/** The Idempotency-Key's record, completed with the answer the write gives (idempotency.ts replays it). */
function completeIdempotencyKey(db: D1Database, claim: IdempotencyClaim, requestId: string, total: number) {
  return db
    .prepare(
      `UPDATE idempotency_keys SET state = 'done', response_status = 200, response_body = (
         SELECT json_object('inserted', inserted, 'restated', revised - inserted,
           'unchanged', CAST(?2 AS INTEGER) - revised, 'data_version', ${DATA_VERSION_SQL})
         FROM ${REVISED})
       WHERE token_id = ?3 AND key = ?4`,
    )
    .bind(requestId, total, claim.tokenId, claim.key);
}

export interface Write {
  kind: FactKind;
  requestId: string;
  /** The statements storing the facts and their revisions, in order; they bind what they need. */
  stores: readonly D1PreparedStatement[];
  /** Facts the request carried: those neither inserted nor restated were unchanged. */
  total: number;
  claim?: IdempotencyClaim | undefined;
}

/** Stores a write and all that follows from it, atomically, retried on D1's transient errors. */
export async function commitWrite(db: D1Database, write: Write): Promise<WriteCounts> {
  const { kind, requestId } = write;
  const statements = [...write.stores, db.prepare(BUMP_DATA_VERSION).bind(requestId)];
  if (kind.affects) statements.push(db.prepare(queueRecompute(kind.affects)).bind(requestId));
  if (write.claim) statements.push(completeIdempotencyKey(db, write.claim, requestId, write.total));
  const counted = db.prepare(COUNTS).bind(requestId);
  statements.push(counted);
  // A retry after a commit whose answer was lost reads the counts instead of storing twice.
  const once = { committed: revisionsOfRequest(db, requestId), instead: [counted] };
  const results = await batchWithRetry<CountRow>(db, statements, once);
  return withUnchanged(results.at(-1)?.results[0], write.total, kind);
}

/**
 * SQL counting what a dry run would store of the rows `from` yields (each with old_value, the latest
 * value on record or null): those with none are inserted, those where `restated` holds restated.
 */
export function dryRunCounts(from: string, restated: string): string {
  return `SELECT COALESCE(SUM(old_value IS NULL), 0) AS inserted, COALESCE(SUM(${restated}), 0) AS restated,
      ${DATA_VERSION_SQL} AS data_version
    FROM ${from}`;
}

/** A dry run's counts: `parts` each count a part (a chunk) of its facts with dryRunCounts. */
export async function countDryRun(
  db: D1Database,
  kind: FactKind,
  parts: D1PreparedStatement[],
  total: number,
): Promise<WriteCounts> {
  const counts = (await db.batch<CountRow>(parts)).map((part) => part.results[0]);
  const last = counts.at(-1);
  if (!last || counts.some((part) => part === undefined)) return withUnchanged(undefined, total, kind);
  const present = counts as CountRow[];
  const sum = (field: "inserted" | "restated") => present.reduce((all, part) => all + part[field], 0);
  return withUnchanged(
    { inserted: sum("inserted"), restated: sum("restated"), data_version: last.data_version },
    total,
    kind,
  );
}

function withUnchanged(counts: CountRow | undefined, total: number, kind: FactKind): WriteCounts {
  if (!counts) throw new Error(`a ${kind.entity} write returned no counts`);
  // In the order the Idempotency-Key's replay gives them.
  const { inserted, restated, data_version } = counts;
  return { inserted, restated, unchanged: total - inserted - restated, data_version };
}
