// Reading the flows ledger: the latest value of every key, or the value known at a past moment.
export interface FlowRecord {
  fund: string;
  date: string;
  source: string;
  net_flow_usd: string;
  units: string | null;
  status: string;
  recorded_at: string;
}

export interface FlowQuery {
  fund?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** ISO timestamp: only what was recorded at or before it. */
  asOf?: string | undefined;
  source?: string | undefined;
}

export async function listFlows(db: D1Database, query: FlowQuery): Promise<FlowRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT fund, date, source, net_flow_usd, units, status, recorded_at FROM flows f
       WHERE (?1 IS NULL OR fund = ?1) AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
         AND (?5 IS NULL OR source = ?5) AND (?4 IS NULL OR recorded_at <= ?4)
         AND id = (SELECT MAX(id) FROM flows l WHERE l.fund = f.fund AND l.date = f.date AND l.source = f.source
                   AND (?4 IS NULL OR l.recorded_at <= ?4))
       ORDER BY date, fund, source`,
    )
    .bind(query.fund ?? null, query.from ?? null, query.to ?? null, query.asOf ?? null, query.source ?? null)
    .all<FlowRecord>();
  return results;
}
