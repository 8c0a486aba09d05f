// Reading the flows ledger: the latest value of every key, or the value known at a past moment.
import { formatDecimal, parseDecimal, USD_SCALE } from "../../shared/decimal.ts";

export interface FlowRecord {
  fund: string;
  date: string;
  source: string;
  net_flow_usd: string;
  units: string | null;
  status: string;
  recorded_at: string;
  /** True for the source the engine uses for this fund-day (the highest ranked). */
  used: boolean;
  /** This source's figure minus the used one: the cross-check between sources. */
  difference_usd: string;
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
      `SELECT fund, date, f.source, net_flow_usd, units, status, recorded_at, COALESCE(r.rank, 1000000) AS rank
       FROM flows f LEFT JOIN source_ranks r ON r.subject = f.fund AND r.source = f.source
       WHERE (?1 IS NULL OR fund = ?1) AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
         AND (?5 IS NULL OR f.source = ?5) AND (?4 IS NULL OR recorded_at <= ?4)
         AND id = (SELECT MAX(id) FROM flows l WHERE l.fund = f.fund AND l.date = f.date AND l.source = f.source
                   AND (?4 IS NULL OR l.recorded_at <= ?4))
       ORDER BY date, fund, rank, f.source`,
    )
    .bind(query.fund ?? null, query.from ?? null, query.to ?? null, query.asOf ?? null, query.source ?? null)
    .all<Omit<FlowRecord, "used" | "difference_usd"> & { rank: number }>();
  return withCrossCheck(results);
}

/** Rows come by fund-day, best rank first: the first of each fund-day is the one used. */
function withCrossCheck(
  rows: (Omit<FlowRecord, "used" | "difference_usd"> & { rank: number })[],
): FlowRecord[] {
  let used: { key: string; cents: bigint } | null = null;
  return rows.map(({ rank: _rank, ...row }) => {
    const key = `${row.fund}|${row.date}`;
    const cents = parseDecimal(row.net_flow_usd, USD_SCALE) as bigint;
    const isUsed = used?.key !== key;
    if (isUsed) used = { key, cents };
    return {
      ...row,
      used: isUsed,
      difference_usd: formatDecimal(cents - (used as { cents: bigint }).cents, USD_SCALE),
    };
  });
}
