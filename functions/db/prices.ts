// Reading the price marks: every source's latest close of each asset-day, the one the engine uses
// first (the highest-ranked source), each other source's close beside it with its difference.
import { formatDecimal, PRICE_SCALE, parseDecimal } from "../../shared/decimal.ts";
import { KNOWN_AT } from "../recompute/load-ledger.ts";

export interface PriceRecord {
  asset: string;
  date: string;
  source: string;
  close_usd: string;
  recorded_at: string;
  observed_at: string | null;
  /** True for the close the engine uses for this asset-day. */
  used: boolean;
  /** This source's close minus the used one. */
  difference_usd: string;
}

export interface PriceQuery {
  asset?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  asOf?: string | undefined;
}

export async function listPrices(db: D1Database, query: PriceQuery): Promise<PriceRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT asset, date, p.source, close_usd, recorded_at, observed_at
       FROM price_marks p LEFT JOIN source_ranks r ON r.subject = p.asset AND r.source = p.source
       WHERE (?1 IS NULL OR asset = ?1) AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
         AND (?4 IS NULL OR ${KNOWN_AT("p")} <= ?4)
         AND id = (SELECT MAX(id) FROM price_marks l WHERE l.asset = p.asset AND l.date = p.date
                   AND l.source = p.source AND (?4 IS NULL OR ${KNOWN_AT("l")} <= ?4))
       ORDER BY asset, date, COALESCE(r.rank, 1000000), p.source`,
    )
    .bind(query.asset ?? null, query.from ?? null, query.to ?? null, query.asOf ?? null)
    .all<Omit<PriceRecord, "used" | "difference_usd">>();
  let used: { key: string; close: bigint } | null = null;
  return results.map((row) => {
    const key = `${row.asset}|${row.date}`;
    const close = parseDecimal(row.close_usd, PRICE_SCALE) as bigint;
    const isUsed = used?.key !== key;
    if (isUsed) used = { key, close };
    const base = (used as { close: bigint }).close;
    return { ...row, used: isUsed, difference_usd: formatDecimal(close - base, PRICE_SCALE) };
  });
}
