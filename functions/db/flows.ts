// Reading the flows ledger: the latest value of every key, or the value known at a past moment.
import { formatDecimal, parseDecimal, USD_SCALE } from "../../shared/decimal.ts";
import { KNOWN_AT } from "../recompute/load-ledger.ts";

export interface FlowRecord {
  fund: string;
  date: string;
  source: string;
  /** Null for a withdrawn figure. */
  net_flow_usd: string | null;
  units: string | null;
  status: string;
  recorded_at: string;
  /** When the public first saw the value (a replayed publisher history); null: when it was recorded. */
  observed_at: string | null;
  /** True for the value the engine uses for this fund-day. */
  used: boolean;
  /** Why this value is or is not the one used, in words. */
  reason: string;
  /** This source's figure minus the used one: the cross-check between sources (null without figures). */
  difference_usd: string | null;
}

export interface FlowQuery {
  fund?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** ISO timestamp: only what the public had seen at or before it. */
  asOf?: string | undefined;
  source?: string | undefined;
}

type StoredFlow = Omit<FlowRecord, "used" | "reason" | "difference_usd">;

/** Rows of a fund-day come in the order the engine prefers them: figures, finals, then source rank. */
export async function listFlows(db: D1Database, query: FlowQuery): Promise<FlowRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT fund, date, f.source, net_flow_usd, units, status, recorded_at, observed_at,
         COALESCE(r.rank, 1000000) AS rank
       FROM flows f LEFT JOIN source_ranks r ON r.subject = f.fund AND r.source = f.source
       WHERE (?1 IS NULL OR fund = ?1) AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
         AND (?5 IS NULL OR f.source = ?5) AND (?4 IS NULL OR ${KNOWN_AT("f")} <= ?4)
         AND id = (SELECT MAX(id) FROM flows l WHERE l.fund = f.fund AND l.date = f.date AND l.source = f.source
                   AND (?4 IS NULL OR ${KNOWN_AT("l")} <= ?4))
       ORDER BY date, fund, status = 'withdrawn', status = 'provisional', rank, f.source`,
    )
    .bind(query.fund ?? null, query.from ?? null, query.to ?? null, query.asOf ?? null, query.source ?? null)
    .all<StoredFlow & { rank: number }>();
  return withCrossCheck(results);
}

function withCrossCheck(rows: (StoredFlow & { rank: number })[]): FlowRecord[] {
  let used: { key: string; row: StoredFlow; cents: bigint } | null = null;
  return rows.map(({ rank: _rank, ...stored }) => {
    const key = `${stored.fund}|${stored.date}`;
    const withdrawn = stored.status === "withdrawn";
    const row = { ...stored, net_flow_usd: withdrawn ? null : stored.net_flow_usd };
    const cents = withdrawn ? null : (parseDecimal(stored.net_flow_usd ?? "", USD_SCALE) as bigint);
    const first = used?.key !== key;
    if (first) used = cents === null ? null : { key, row: stored, cents };
    const isUsed = first && cents !== null;
    const chosen = used?.key === key ? used : null;
    return {
      ...row,
      used: isUsed,
      reason: reasonFor(stored, isUsed, chosen?.row ?? null),
      difference_usd:
        cents === null || chosen === null ? null : formatDecimal(cents - chosen.cents, USD_SCALE),
    };
  });
}

function reasonFor(row: StoredFlow, isUsed: boolean, chosen: StoredFlow | null): string {
  if (row.status === "withdrawn") return "withdrawn by its source: no figure";
  if (isUsed)
    return row.status === "final" ? "the highest-ranked final figure" : "the only figure, provisional";
  if (chosen === null) return "not used";
  if (row.status === "provisional" && chosen.status === "final")
    return `provisional; ${chosen.source}'s final figure is used`;
  return `ranked below ${chosen.source}`;
}
