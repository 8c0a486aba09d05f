// Many funds' metadata in one atomic, set-based write: the same revisions, upsert, data_version bump and
// recompute queue as PUT /v1/funds/{ticker}, for a universe of a thousand funds in one request instead of
// a thousand (each of which would count against the token's request budget).
import { FUND_METADATA } from "../../shared/domain.ts";
import type { FundInput } from "../../shared/schemas.ts";
import { jsonChunks } from "../db/json-chunks.ts";
import { batchWithRetry, revisionsOfRequest } from "../db/write-retry.ts";
import { completeClaimStatement, type IdempotencyClaim } from "../idempotency.ts";
import { type CountRow, sumCounts, type WriteCounts } from "./write.ts";

export type FundRow = FundInput & { ticker: string };

const METADATA = FUND_METADATA;
const GROUPED = ["asset", "issuer", "country", "vehicle"];

/** The metadata as PUT stores it in a revision, from a table alias or from the batch's JSON. */
const metadataJson = (column: (name: string) => string) =>
  `json_object(${METADATA.map((name) => `'${name}', ${column(name)}`).join(", ")})`;
const incoming = (name: string) => `j.value ->> '$.${name}'`;
const INCOMING = `(SELECT j.value ->> '$.ticker' AS ticker, ${metadataJson(incoming)} AS new_value,
    (SELECT ${metadataJson((name) => `f.${name}`)} FROM funds f WHERE f.ticker = j.value ->> '$.ticker') AS old_value
  FROM json_each(?1) j)`;

/** ?1 rows as JSON, ?2 source, ?3 recorded_at, ?4 request id. */
const REVISIONS = `INSERT INTO revisions (entity, subject, date, key, old_value, new_value, source, recorded_at, request_id)
  SELECT 'fund', ticker, NULL, ticker, old_value, new_value, ?2, ?3, ?4 FROM ${INCOMING}
  WHERE old_value IS NULL OR old_value <> new_value`;

/** A fund changing groups has its groups re-summed from its first row (see recompute/aggregates.ts). */
const MARK_MOVED_FUNDS = `UPDATE meta SET value = COALESCE((SELECT MIN(day) FROM (
    SELECT NULLIF(value, '') AS day FROM meta WHERE key = 'aggregates_stale_from'
    UNION ALL SELECT MIN(d.date) FROM json_each(?1) j JOIN funds f ON f.ticker = j.value ->> '$.ticker'
      JOIN fund_days d ON d.fund = f.ticker
      WHERE ${GROUPED.map((name) => `f.${name} IS NOT ${incoming(name)}`).join(" OR ")})), '')
  WHERE key = 'aggregates_stale_from'`;

const UPSERT = `INSERT INTO funds (ticker, ${METADATA.join(", ")}, updated_at)
  SELECT j.value ->> '$.ticker', ${METADATA.map(incoming).join(", ")}, ?3 FROM json_each(?1) j
  WHERE EXISTS (SELECT 1 FROM revisions r WHERE r.request_id = ?4 AND r.entity = 'fund' AND r.key = j.value ->> '$.ticker')
  ON CONFLICT (ticker) DO UPDATE SET ${METADATA.map((name) => `${name} = excluded.${name}`).join(", ")},
    updated_at = excluded.updated_at`;

const BUMP = `UPDATE meta SET value = CAST(value AS INTEGER) + 1
  WHERE key = 'data_version' AND EXISTS (SELECT 1 FROM revisions WHERE request_id = ?4)`;

const QUEUE = `INSERT INTO recompute_queue (fund, from_date, seq)
  SELECT subject, '0000-01-01', (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version')
  FROM revisions WHERE request_id = ?4 AND entity = 'fund'
  ON CONFLICT (fund) DO UPDATE SET from_date = excluded.from_date, seq = excluded.seq`;

const COUNTS = `SELECT
    (SELECT COUNT(*) FROM revisions WHERE request_id = ?4 AND old_value IS NULL) AS inserted,
    (SELECT COUNT(*) FROM revisions WHERE request_id = ?4 AND old_value IS NOT NULL) AS restated,
    (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version') AS data_version`;

const DRY_RUN_COUNTS = `SELECT COALESCE(SUM(old_value IS NULL), 0) AS inserted,
    COALESCE(SUM(old_value <> new_value), 0) AS restated,
    (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version') AS data_version
  FROM ${INCOMING}`;

export interface FundBatchWrite {
  funds: readonly FundRow[];
  source: string;
  requestId: string;
  recordedAt: string;
  claim?: IdempotencyClaim | undefined;
  dryRun?: boolean;
}

export async function writeFundBatch(db: D1Database, write: FundBatchWrite): Promise<WriteCounts> {
  const rows = write.funds;
  const chunks = jsonChunks(rows);
  const { source, recordedAt, requestId } = write;
  let counts: CountRow | null;
  if (write.dryRun) {
    counts = sumCounts(await db.batch<CountRow>(chunks.map((json) => db.prepare(DRY_RUN_COUNTS).bind(json))));
  } else {
    // SQLite counts a statement's parameters up to its highest ?N: each gets exactly that many.
    const statements = chunks.flatMap((json) => [
      db.prepare(REVISIONS).bind(json, source, recordedAt, requestId),
      db.prepare(MARK_MOVED_FUNDS).bind(json),
      db.prepare(UPSERT).bind(json, source, recordedAt, requestId),
    ]);
    statements.push(...[BUMP, QUEUE].map((sql) => db.prepare(sql).bind(null, null, null, requestId)));
    if (write.claim) statements.push(completeClaimStatement(db, write.claim, requestId, rows.length));
    const counted = db.prepare(COUNTS).bind(null, null, null, requestId);
    statements.push(counted);
    const once = { committed: revisionsOfRequest(db, requestId), instead: [counted] };
    counts = (await batchWithRetry<CountRow>(db, statements, once)).at(-1)?.results[0] ?? null;
  }
  if (!counts) throw new Error("fund batch write returned no counts");
  return { ...counts, unchanged: rows.length - counts.inserted - counts.restated };
}
