// The headline summary, rebuilt after each recompute and kept in KV for GET /v1/summary.
import { computeIndicators } from "../../shared/engine/indicators.ts";
import { buildSummary, headlineDateOf, reportDateOf } from "../../shared/engine/summary.ts";
import type { Summary } from "../../shared/export.ts";
import { readAssetHeadlineDays, readAwaitedOnReportDates, readGroupDays } from "../db/aggregates.ts";
import { fromStored, type StoredFundDay } from "../db/fund-days.ts";
import { readDataVersion } from "../db/meta.ts";

export const SUMMARY_KEY = "summary";

export async function buildCurrentSummary(db: D1Database): Promise<Summary> {
  const [dataVersion, total] = await Promise.all([readDataVersion(db), readGroupDays(db, "total")]);
  const totals = new Map(total.map((day) => [day.date, day]));
  const withIndicators = computeIndicators(total, (date) => totals.get(date)).days;
  const reportDate = reportDateOf(total);
  const headlineDate = headlineDateOf(total);
  // Only the days the summary speaks of are read (each asset's report and headline days, the funds
  // on the headline date): reading the asset groups' whole histories made every write's summary
  // read 3 × 3,650 rows it then ignored.
  const [assets, { results: fundRows }, { results: missing }, awaited] = await Promise.all([
    readAssetHeadlineDays(db, reportDate),
    db
      .prepare(
        // CROSS JOIN keeps funds outer: one primary-key lookup per fund, never a scan of fund_days.
        `SELECT d.*, a.decimals FROM funds f CROSS JOIN fund_days d ON d.fund = f.ticker AND d.date = ?
         JOIN assets a ON a.symbol = f.asset`,
      )
      .bind(headlineDate)
      .all<StoredFundDay & { decimals: number }>(),
    db
      .prepare("SELECT fund, date FROM fund_days WHERE state = 'missing' ORDER BY date DESC, fund LIMIT 200")
      .all<{ fund: string; date: string }>(),
    readAwaitedOnReportDates(db, reportDate),
  ]);
  return buildSummary({
    dataVersion,
    total: withIndicators,
    assets,
    funds: fundRows.map((row) => ({ fund: row.fund, day: fromStored(row, row.decimals) })),
    missing,
    awaited,
  });
}

/**
 * KV takes one write a second per key: writes faster than that may be refused. The summary is only a
 * cache (GET /v1/summary rebuilds it from D1 when the copy is older than data_version), so a refused
 * put is logged, never allowed to fail a write whose ledger rows are already stored.
 */
export async function publishSummary(env: Env): Promise<Summary> {
  const summary = await buildCurrentSummary(env.DB);
  try {
    await env.KV.put(SUMMARY_KEY, JSON.stringify(summary));
  } catch (error) {
    console.error(JSON.stringify({ level: "warn", message: `summary not cached in KV: ${String(error)}` }));
  }
  return summary;
}
