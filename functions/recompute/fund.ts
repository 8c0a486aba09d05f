// Recomputes one fund's daily rows from the first date a change can reach, continuing from the stored
// row of the day before, so a restatement late in a long history costs only the days after it.
import { addDays } from "../../shared/dates.ts";
import type { Fund } from "../../shared/domain.ts";
import { firstAnchor, recomputeFrom, rollFund } from "../../shared/engine/fund-days.ts";
import type { EngineOptions } from "../../shared/engine/types.ts";
import { fromStored, replaceFundDaysStatements, type StoredFundDay, toStored } from "../db/fund-days.ts";
import { loadFundLedger } from "./load-ledger.ts";

export interface FundRecompute {
  fund: Fund;
  decimals: number;
  prices: ReadonlyMap<string, bigint>;
  changedFrom: string;
  reportDate: string | null;
  options: EngineOptions;
}

/** The statements that bring the fund's rows up to date, and the first date they touch. */
export async function recomputeFundStatements(
  db: D1Database,
  job: FundRecompute,
): Promise<{ statements: D1PreparedStatement[]; from: string }> {
  const ledger = await loadFundLedger(db, job.fund, job.decimals, job.prices);
  const anchor = firstAnchor(ledger);
  if (anchor === null || job.reportDate === null || job.reportDate < anchor) {
    const removal = db.prepare("DELETE FROM fund_days WHERE fund = ?").bind(job.fund.ticker);
    return { statements: [removal], from: anchor ?? job.changedFrom };
  }
  let from = recomputeFrom(ledger, job.changedFrom < anchor ? anchor : job.changedFrom);
  let previous: StoredFundDay | null = null;
  if (from > anchor) {
    previous = await db
      .prepare("SELECT * FROM fund_days WHERE fund = ? AND date = ?")
      .bind(job.fund.ticker, addDays(from, -1))
      .first<StoredFundDay>();
    if (!previous) from = anchor;
  }
  if (from > job.reportDate) return { statements: [], from };
  const days = rollFund(
    ledger,
    job.reportDate,
    job.options,
    previous ? { from, previous: fromStored(previous, job.decimals) } : undefined,
  );
  const rows = days.map((day) => toStored(job.fund.ticker, day, job.decimals));
  return { statements: replaceFundDaysStatements(db, job.fund.ticker, from, anchor, rows), from };
}
