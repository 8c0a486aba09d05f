// The recompute queue as the recompute reads it: the next round of funds, a round's entries taken off
// once stored, and what is left to do.
import { META, metaValue } from "../db/meta.ts";

/** Funds per transaction: bounds a request's memory and D1 statement count. */
export const FUNDS_PER_ROUND = 25;

export interface QueueEntry {
  fund: string;
  from_date: string;
  seq: number;
}

/**
 * The next funds to recompute, and whether their groups are re-summed in bulk afterwards rather than
 * corrected by difference: when more funds are queued than one round takes (a backfill, a rebuild,
 * a new report date), one re-sum at the end is far cheaper than a difference per fund; and once the
 * sums are marked stale (a fund changed groups), differences would only be overwritten.
 */
export async function nextRound(db: D1Database): Promise<{ entries: QueueEntry[]; bulk: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT fund, from_date, seq, (SELECT COUNT(*) FROM recompute_queue) AS queued,
         ${metaValue(META.aggregatesStaleFrom)} AS stale
       FROM recompute_queue ORDER BY fund LIMIT ?`,
    )
    .bind(FUNDS_PER_ROUND)
    .all<QueueEntry & { queued: number; stale: string }>();
  const first = results[0];
  return {
    entries: results,
    bulk: first !== undefined && (first.stale !== "" || first.queued > FUNDS_PER_ROUND),
  };
}

/** Takes a round's entries off the queue; a fund queued again meanwhile carries a newer seq and stays. */
export function dequeueStatement(db: D1Database, entries: readonly QueueEntry[]): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM recompute_queue WHERE (fund, seq) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
    )
    .bind(JSON.stringify(entries.map((entry) => [entry.fund, entry.seq])));
}

export async function queued(db: D1Database): Promise<boolean> {
  return (
    (await db.prepare("SELECT EXISTS (SELECT 1 FROM recompute_queue) AS left").first<number>("left")) === 1
  );
}

/** The funds still queued, plus one while group sums still await their re-sum. */
export async function workLeft(db: D1Database): Promise<number> {
  const left = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM recompute_queue)
       + (${metaValue(META.aggregatesStaleFrom)} <> '') AS n`,
    )
    .first<number>("n");
  return left ?? 0;
}
