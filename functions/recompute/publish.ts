// The headline summary, rebuilt after each recompute and kept in KV for GET /v1/summary.
import { computeIndicators } from "../../shared/engine/indicators.ts";
import { buildSummary } from "../../shared/engine/summary.ts";
import type { Summary } from "../../shared/export.ts";
import { readGroupDays } from "../db/aggregates.ts";
import { fromStored, type StoredFundDay } from "../db/fund-days.ts";
import { readDataVersion } from "../db/meta.ts";

export const SUMMARY_KEY = "summary";

export async function buildCurrentSummary(db: D1Database): Promise<Summary> {
  const [dataVersion, total, assets] = await Promise.all([
    readDataVersion(db),
    readGroupDays(db, "total"),
    readGroupDays(db, "asset"),
  ]);
  const totals = new Map(total.map((day) => [day.date, day]));
  const withIndicators = computeIndicators(total, (date) => totals.get(date)).days;
  const reportDate = total.findLast((day) => day.fundsReporting > 0)?.date ?? null;
  const { results: fundRows } = await db
    .prepare(
      `SELECT d.*, a.decimals FROM fund_days d JOIN funds f ON f.ticker = d.fund JOIN assets a ON a.symbol = f.asset
       WHERE d.date = ?`,
    )
    .bind(reportDate)
    .all<StoredFundDay & { decimals: number }>();
  const { results: missing } = await db
    .prepare("SELECT fund, date FROM fund_days WHERE state = 'missing' ORDER BY date DESC, fund LIMIT 200")
    .all<{ fund: string; date: string }>();
  return buildSummary({
    dataVersion,
    total: withIndicators,
    assets,
    funds: fundRows.map((row) => ({ fund: row.fund, day: fromStored(row, row.decimals) })),
    missing,
  });
}

export async function publishSummary(env: Env): Promise<Summary> {
  const summary = await buildCurrentSummary(env.DB);
  await env.KV.put(SUMMARY_KEY, JSON.stringify(summary));
  return summary;
}
