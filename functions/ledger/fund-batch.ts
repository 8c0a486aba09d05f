// Many funds' metadata in one atomic, set-based write (PUT /v1/funds/{ticker} is a batch of one): a
// revision and an upsert for every fund that changed, and the groups re-summed of those that moved;
// the rest of a write (data_version, the recompute queue, the Idempotency-Key) is the write protocol's.
import { FUND_METADATA } from "../../shared/domain.ts";
import type { FundInput } from "../../shared/schemas.ts";
import { jsonChunks } from "../db/json-chunks.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import { FUND_KIND } from "./kinds.ts";
import {
  commitWrite,
  countDryRun,
  dryRunCounts,
  insertRevisions,
  markSumsStale,
  type WriteCounts,
} from "./write-protocol.ts";

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
const REVISIONS = insertRevisions(`
  SELECT '${FUND_KIND.entity}', ticker, NULL, ticker, old_value, new_value, ?2, ?3, ?4, NULL FROM ${INCOMING}
  WHERE old_value IS NULL OR old_value <> new_value`);

/** A fund changing groups has its groups re-summed from its first row (see recompute/aggregates.ts). */
const MARK_MOVED_FUNDS = markSumsStale(`SELECT MIN(d.date) FROM json_each(?1) j
  JOIN funds f ON f.ticker = j.value ->> '$.ticker' JOIN fund_days d ON d.fund = f.ticker
  WHERE ${GROUPED.map((name) => `f.${name} IS NOT ${incoming(name)}`).join(" OR ")}`);

const UPSERT = `INSERT INTO funds (ticker, ${METADATA.join(", ")}, updated_at)
  SELECT j.value ->> '$.ticker', ${METADATA.map(incoming).join(", ")}, ?3 FROM json_each(?1) j
  WHERE EXISTS (SELECT 1 FROM revisions r WHERE r.request_id = ?4 AND r.entity = 'fund' AND r.key = j.value ->> '$.ticker')
  ON CONFLICT (ticker) DO UPDATE SET ${METADATA.map((name) => `${name} = excluded.${name}`).join(", ")},
    updated_at = excluded.updated_at`;

const DRY_RUN_COUNTS = dryRunCounts(INCOMING, "old_value <> new_value");

export interface FundBatchWrite {
  funds: readonly FundRow[];
  source: string;
  requestId: string;
  recordedAt: string;
  claim?: IdempotencyClaim | undefined;
  dryRun?: boolean;
}

export async function writeFundBatch(db: D1Database, write: FundBatchWrite): Promise<WriteCounts> {
  const { funds, source, recordedAt, requestId } = write;
  const chunks = jsonChunks(funds);
  if (write.dryRun) {
    const parts = chunks.map((json) => db.prepare(DRY_RUN_COUNTS).bind(json));
    return countDryRun(db, FUND_KIND, parts, funds.length);
  }
  // SQLite counts a statement's parameters up to its highest ?N: each gets exactly that many.
  const stores = chunks.flatMap((json) => [
    db.prepare(REVISIONS).bind(json, source, recordedAt, requestId),
    db.prepare(MARK_MOVED_FUNDS).bind(json),
    db.prepare(UPSERT).bind(json, source, recordedAt, requestId),
  ]);
  return commitWrite(db, { kind: FUND_KIND, requestId, stores, total: funds.length, claim: write.claim });
}
