// The recompute's lease, a row of meta: one request at a time recomputes. A lease is known by its
// expiry, so a holder that stalled past it can neither release nor overwrite a newer holder's work.
import { META, metaValue } from "../db/meta.ts";

export const LEASE_MS = 30_000;

export interface Lease {
  expiry: number;
}

/** Runs `work` under the lease, released after it however it ends; null when another request holds it. */
export async function underLease<T>(db: D1Database, work: (lease: Lease) => Promise<T>): Promise<T | null> {
  const expiry = await acquireLease(db);
  if (expiry === null) return null;
  const lease = { expiry };
  try {
    return await work(lease);
  } finally {
    await releaseLease(db, lease);
  }
}

/** The lease's expiry (its identity) when taken, else null. */
async function acquireLease(db: D1Database): Promise<number | null> {
  const now = Date.now();
  const expiry = now + LEASE_MS + Math.floor(Math.random() * 1000);
  const result = await db
    .prepare(
      `UPDATE meta SET value = ?1 WHERE key = '${META.recomputeLease}' AND CAST(value AS INTEGER) < ?2`,
    )
    .bind(String(expiry), now)
    .run();
  return result.meta.changes === 1 ? expiry : null;
}

async function releaseLease(db: D1Database, lease: Lease): Promise<void> {
  await db
    .prepare(`UPDATE meta SET value = '0' WHERE key = '${META.recomputeLease}' AND value = ?`)
    .bind(String(lease.expiry))
    .run();
}

/**
 * Fails the whole transaction (a primary-key conflict) unless this request still holds the lease,
 * so a holder that stalled past its expiry can never overwrite a newer holder's results.
 */
export function leaseGuard(db: D1Database, lease: Lease): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO meta (key, value) SELECT '${META.recomputeLease}', 'lost'
       WHERE ${metaValue(META.recomputeLease)} <> ?`,
    )
    .bind(String(lease.expiry));
}

/** Moves the lease's expiry to `renewed`, in the transaction that stores a round's work. */
export function renewLeaseStatement(db: D1Database, lease: Lease, renewed: number): D1PreparedStatement {
  return db
    .prepare(`UPDATE meta SET value = ? WHERE key = '${META.recomputeLease}' AND value = ?`)
    .bind(String(renewed), String(lease.expiry));
}
