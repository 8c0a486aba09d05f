// Group sums per day, recomputed by one set-based statement per group from fund_days: idempotent and
// exact (integer cents), so it needs no bookkeeping of what changed, only from which date.
import type { Group } from "../../shared/engine/aggregate.ts";

const MEMBERSHIP = `CASE ?1 WHEN 'total' THEN 1 WHEN 'asset' THEN f.asset = ?2 WHEN 'issuer' THEN f.issuer = ?2
  WHEN 'country' THEN f.country = ?2 WHEN 'vehicle' THEN f.vehicle = ?2 ELSE 0 END`;

export function refreshGroupStatements(db: D1Database, group: Group, from: string): D1PreparedStatement[] {
  return [
    db
      .prepare("DELETE FROM aggregate_days WHERE group_by = ?1 AND group_key = ?2 AND date >= ?3")
      .bind(group.by, group.key, from),
    db
      .prepare(
        `INSERT INTO aggregate_days (group_by, group_key, date, aum_usd, net_flow_usd, flow_effect_usd,
           market_effect_usd, other_effect_usd, fee_effect_usd, cumulative_flow_usd, gross_flow_usd,
           funds_listed, funds_reporting, funds_inflow, funds_outflow, funds_provisional, funds_missing)
         SELECT ?1, ?2, d.date, SUM(d.aum_usd), SUM(d.net_flow_usd), COALESCE(SUM(d.flow_effect_usd), 0),
           SUM(d.market_effect_usd), SUM(d.other_effect_usd), SUM(d.fee_effect_usd), SUM(d.cumulative_flow_usd),
           COALESCE(SUM(ABS(d.net_flow_usd)), 0), SUM(d.state <> 'not_listed'), SUM(d.net_flow_usd IS NOT NULL),
           COALESCE(SUM(d.net_flow_usd > 0), 0), COALESCE(SUM(d.net_flow_usd < 0), 0),
           SUM(d.state = 'provisional'), SUM(d.state = 'missing')
         FROM fund_days d JOIN funds f ON f.ticker = d.fund
         WHERE d.date >= ?3 AND ${MEMBERSHIP}
         GROUP BY d.date`,
      )
      .bind(group.by, group.key, from),
  ];
}

/** Every group that exists today: total plus each asset, issuer, country and vehicle with a fund. */
export async function allGroups(db: D1Database): Promise<Group[]> {
  const { results } = await db
    .prepare(
      `SELECT 'total' AS by, 'all' AS key UNION SELECT 'asset', asset FROM funds UNION SELECT 'issuer', issuer FROM funds
       UNION SELECT 'country', country FROM funds UNION SELECT 'vehicle', vehicle FROM funds`,
    )
    .all<Group>();
  return results;
}
