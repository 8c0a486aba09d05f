export async function readDataVersion(db: D1Database): Promise<number> {
  const value = await db.prepare("SELECT value FROM meta WHERE key = 'data_version'").first<string>("value");
  return Number(value ?? 0);
}

/**
 * The version and whether derived data lags the ledger: funds queued for recompute (a crash between a
 * write and its recompute, or a write that deferred it) or group sums awaiting their bulk re-sum.
 */
export async function readFreshness(db: D1Database): Promise<{ dataVersion: number; pending: boolean }> {
  const row = await db
    .prepare(
      `SELECT (SELECT value FROM meta WHERE key = 'data_version') AS version,
         EXISTS (SELECT 1 FROM recompute_queue)
           OR (SELECT value FROM meta WHERE key = 'aggregates_stale_from') <> '' AS pending`,
    )
    .first<{ version: string; pending: number }>();
  return { dataVersion: Number(row?.version ?? 0), pending: row?.pending === 1 };
}
