// Funds with their latest figures: the metadata and the fund's newest derived row, with its share of
// its asset. Fund writes are ledger/fund-batch.ts (PUT and POST alike).

import { formatDecimal, USD_SCALE } from "../../shared/decimal.ts";
import type { DayState, Fund } from "../../shared/domain.ts";
import { RATIO_SCALE, ratio } from "../../shared/engine/indicators.ts";
import type { FundSummary } from "../../shared/export.ts";

interface FundListRow extends Fund {
  former_tickers: string;
  fee_history: string;
  latest_date: string | null;
  latest_state: DayState;
  latest_aum_usd: number | null;
  latest_units: string | null;
  latest_cumulative_flow_usd: number | null;
  asset_aum_usd: number | null;
  days_version: number | null;
}

/** Funds with their figures on their latest computed day. */
export async function listFundSummaries(db: D1Database, ticker?: string): Promise<FundSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT f.ticker, f.name, f.issuer, f.asset, f.vehicle, f.country, f.exchange, f.listed_on,
         (SELECT MAX(date) FROM corporate_actions c WHERE c.type = 'delisting' AND c.from_fund = f.ticker) AS delisted_on,
         f.fee_bps, f.staking_policy,
         (SELECT json_group_array(json_object('ticker', alias, 'changed_on', since)) FROM
            (SELECT alias, since FROM ticker_aliases t WHERE t.ticker = f.ticker ORDER BY since)) AS former_tickers,
         (SELECT json_group_array(json_object('date', date, 'fee_bps', CAST(fee_bps AS INTEGER), 'waiver', json(waiver)))
            FROM (SELECT c.date, c.fee_bps, c.waiver FROM corporate_actions c
                  WHERE c.type = 'fee_change' AND c.from_fund = f.ticker
                    AND c.id = (SELECT MAX(id) FROM corporate_actions l WHERE l.type = c.type AND l.date = c.date
                                AND l.from_fund = c.from_fund AND l.source = c.source)
                  ORDER BY c.date)) AS fee_history,
         d.date AS latest_date, d.state AS latest_state, d.aum_usd AS latest_aum_usd, d.units AS latest_units,
         d.cumulative_flow_usd AS latest_cumulative_flow_usd, a.aum_usd AS asset_aum_usd,
         (SELECT v.data_version FROM fund_day_versions v WHERE v.fund = f.ticker) AS days_version
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
      former_tickers,
      fee_history,
      latest_date,
      latest_state,
      latest_aum_usd,
      latest_units,
      latest_cumulative_flow_usd,
      asset_aum_usd,
      days_version,
      ...fund
    } = row;
    const share = latest_aum_usd === null ? null : ratio(BigInt(latest_aum_usd), BigInt(asset_aum_usd ?? 0));
    return {
      ...fund,
      former_tickers: JSON.parse(former_tickers) as FundSummary["former_tickers"],
      fee_history: JSON.parse(fee_history) as FundSummary["fee_history"],
      days_version,
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
