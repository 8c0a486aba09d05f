// A fund's daily rows: stored ones for the present, or recomputed from the ledger as known at a past moment.
import { rollFund } from "../../shared/engine/fund-days.ts";
import type { FundDayRow } from "../../shared/export.ts";
import { readFundDays, toFundDayRow, toStored } from "../db/fund-days.ts";
import { loadAssets, loadFund } from "../db/reference.ts";
import { Problem } from "../problem.ts";
import { KNOWN_AT, loadAssetPrices, loadFundLedger } from "../recompute/load-ledger.ts";
import { checkRange } from "./flows.ts";

interface DailyQuery {
  from?: string | undefined;
  to?: string | undefined;
  as_of?: string | undefined;
}

export async function fundDaily(env: Env, ticker: string, query: DailyQuery): Promise<FundDayRow[]> {
  checkRange(query.from, query.to);
  const fund = await loadFund(env.DB, ticker);
  if (!fund) throw new Problem(404, `No fund ${ticker}.`);
  if (!query.as_of) return (await readFundDays(env.DB, fund.ticker, query)).map(toFundDayRow);
  const asOf = new Date(query.as_of).toISOString();
  const decimals = (await loadAssets(env.DB)).get(fund.asset)?.decimals ?? 8;
  const prices = await loadAssetPrices(env.DB, fund.asset, asOf);
  const ledger = await loadFundLedger(env.DB, fund, decimals, prices, asOf);
  // The report date as known then: each fund's latest flow seen by then, found walking back its key.
  const reportDate = await env.DB.prepare(
    `SELECT MAX((SELECT date FROM flows t WHERE t.fund = f.ticker AND ${KNOWN_AT("t")} <= ?1
       AND t.status <> 'withdrawn' ORDER BY t.date DESC LIMIT 1)) AS date FROM funds f`,
  )
    .bind(asOf)
    .first<string | null>("date");
  if (!reportDate) return [];
  const options = { accrueFees: env.FEE_ACCRUAL !== "off" };
  return rollFund(ledger, reportDate, options)
    .filter((day) => (!query.from || day.date >= query.from) && (!query.to || day.date <= query.to))
    .map((day) => toFundDayRow(toStored(fund.ticker, day, decimals)));
}
