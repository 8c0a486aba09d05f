// Fund metadata writes: an upsert whose every change is kept as a revision, in one transaction with the
// data_version bump and the recompute of the fund's whole history.

import { formatDecimal, USD_SCALE } from "../../shared/decimal.ts";
import type { DayState, Fund } from "../../shared/domain.ts";
import { RATIO_SCALE, ratio } from "../../shared/engine/indicators.ts";
import type { FundSummary } from "../../shared/export.ts";
import type { FundInput } from "../../shared/schemas.ts";

const METADATA = [
  "name",
  "issuer",
  "asset",
  "vehicle",
  "country",
  "exchange",
  "listed_on",
  "fee_bps",
] as const;

export function metadataOf(
  fund: Fund | FundInput,
): Record<(typeof METADATA)[number], string | number | null> {
  return Object.fromEntries(METADATA.map((field) => [field, fund[field]])) as Record<
    (typeof METADATA)[number],
    string | number | null
  >;
}

function changesGroups(old: Fund, input: FundInput): boolean {
  return (["asset", "issuer", "country", "vehicle"] as const).some((field) => old[field] !== input[field]);
}

/**
 * A fund moving to another issuer (asset, country, vehicle) leaves its rows in its old group's sums,
 * which a difference applied to its new groups cannot remove: every group is re-summed from the
 * fund's first row instead (see recompute/aggregates.ts).
 */
function markGroupsStale(db: D1Database, ticker: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE meta SET value = COALESCE((SELECT MIN(day) FROM (
           SELECT NULLIF(value, '') AS day FROM meta WHERE key = 'aggregates_stale_from'
           UNION ALL SELECT MIN(date) FROM fund_days WHERE fund = ?1)), '')
       WHERE key = 'aggregates_stale_from'`,
    )
    .bind(ticker);
}

export function upsertFundStatements(
  db: D1Database,
  ticker: string,
  input: FundInput,
  old: Fund | null,
  write: { requestId: string; recordedAt: string; source: string },
): D1PreparedStatement[] {
  const next = metadataOf(input);
  return [
    db
      .prepare(
        `INSERT INTO revisions (entity, subject, date, key, old_value, new_value, source, recorded_at, request_id)
         VALUES ('fund', ?1, NULL, ?1, ?2, ?3, ?4, ?5, ?6)`,
      )
      .bind(
        ticker,
        old ? JSON.stringify(metadataOf(old)) : null,
        JSON.stringify(next),
        write.source,
        write.recordedAt,
        write.requestId,
      ),
    db
      .prepare(
        `INSERT INTO funds (ticker, name, issuer, asset, vehicle, country, exchange, listed_on, fee_bps, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (ticker) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, asset = excluded.asset,
           vehicle = excluded.vehicle, country = excluded.country, exchange = excluded.exchange,
           listed_on = excluded.listed_on, fee_bps = excluded.fee_bps, updated_at = excluded.updated_at`,
      )
      .bind(
        ticker,
        input.name,
        input.issuer,
        input.asset,
        input.vehicle,
        input.country,
        input.exchange,
        input.listed_on,
        input.fee_bps,
        write.recordedAt,
      ),
    db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'"),
    ...(old && changesGroups(old, input) ? [markGroupsStale(db, ticker)] : []),
    db
      .prepare(
        `INSERT INTO recompute_queue (fund, from_date, seq)
         VALUES (?1, '0000-01-01', (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'))
         ON CONFLICT (fund) DO UPDATE SET from_date = excluded.from_date, seq = excluded.seq`,
      )
      .bind(ticker),
  ];
}

interface FundListRow extends Fund {
  latest_date: string | null;
  latest_state: DayState;
  latest_aum_usd: number | null;
  latest_units: string | null;
  latest_cumulative_flow_usd: number | null;
  asset_aum_usd: number | null;
}

/** Funds with their figures on their latest computed day. */
export async function listFundSummaries(db: D1Database, ticker?: string): Promise<FundSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT f.ticker, f.name, f.issuer, f.asset, f.vehicle, f.country, f.exchange, f.listed_on,
         (SELECT MAX(date) FROM corporate_actions c WHERE c.type = 'delisting' AND c.from_fund = f.ticker) AS delisted_on,
         f.fee_bps, d.date AS latest_date, d.state AS latest_state, d.aum_usd AS latest_aum_usd, d.units AS latest_units,
         d.cumulative_flow_usd AS latest_cumulative_flow_usd, a.aum_usd AS asset_aum_usd
       FROM funds f
       LEFT JOIN fund_days d ON d.fund = f.ticker AND d.date = (SELECT MAX(date) FROM fund_days x WHERE x.fund = f.ticker)
       LEFT JOIN aggregate_days a ON a.group_by = 'asset' AND a.group_key = f.asset AND a.date = d.date
       WHERE ?1 IS NULL OR f.ticker = ?1
       ORDER BY f.ticker`,
    )
    .bind(ticker ?? null)
    .all<FundListRow>();
  return results.map((row) => {
    const {
      latest_date,
      latest_state,
      latest_aum_usd,
      latest_units,
      latest_cumulative_flow_usd,
      asset_aum_usd,
      ...fund
    } = row;
    const share = latest_aum_usd === null ? null : ratio(BigInt(latest_aum_usd), BigInt(asset_aum_usd ?? 0));
    return {
      ...fund,
      latest:
        latest_date === null
          ? null
          : {
              date: latest_date,
              state: latest_state,
              aum_usd: formatDecimal(BigInt(latest_aum_usd ?? 0), USD_SCALE),
              units: latest_units ?? "0",
              cumulative_flow_usd: formatDecimal(BigInt(latest_cumulative_flow_usd ?? 0), USD_SCALE),
              market_share: share === null ? null : formatDecimal(share, RATIO_SCALE),
            },
    };
  });
}
