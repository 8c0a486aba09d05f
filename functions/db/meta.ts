// The deployment's counters and settings (table meta), named once: every statement that reads or
// moves one uses these, so a key is never spelt twice.

export const META = {
  /** Moves by one with every write that changed something; caches, ETags and the site key on it. */
  dataVersion: "data_version",
  /** The last day any fund has a flow on record; the engine rolls every fund to it. */
  reportDate: "report_date",
  /** The recompute's lease: who may settle derived rows now ('0' when free). */
  recomputeLease: "recompute_lease",
  /** From which date group sums await their bulk re-sum ('' when current). */
  aggregatesStaleFrom: "aggregates_stale_from",
} as const;

/** SQL for a meta value, as text. */
export const metaValue = (key: (typeof META)[keyof typeof META]) =>
  `(SELECT value FROM meta WHERE key = '${key}')`;
/** SQL for data_version, as an integer. */
export const DATA_VERSION_SQL = `(SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${META.dataVersion}')`;

export async function readDataVersion(db: D1Database): Promise<number> {
  const value = await db.prepare(`SELECT ${metaValue(META.dataVersion)} AS value`).first<string>("value");
  return Number(value ?? 0);
}

/**
 * The version and whether derived data lags the ledger: funds queued for recompute (a crash between a
 * write and its recompute, or a write that deferred it) or group sums awaiting their bulk re-sum.
 */
export async function readFreshness(db: D1Database): Promise<{ dataVersion: number; pending: boolean }> {
  const row = await db
    .prepare(
      `SELECT ${metaValue(META.dataVersion)} AS version,
         EXISTS (SELECT 1 FROM recompute_queue) OR ${metaValue(META.aggregatesStaleFrom)} <> '' AS pending`,
    )
    .first<{ version: string; pending: number }>();
  return { dataVersion: Number(row?.version ?? 0), pending: row?.pending === 1 };
}
