// Recomputes one fund's daily rows from the first date a change can reach, continuing from the stored
// row of the day before, so a restatement late in a long history costs only the days after it.
import { addDays } from "../../shared/dates.ts";
import type { Fund } from "../../shared/domain.ts";
import { firstAnchor, recomputeFrom, rollFund } from "../../shared/engine/fund-days.ts";
import type { EngineOptions } from "../../shared/engine/types.ts";
import { fromStored, replaceFundDaysStatements, type StoredFundDay, toStored } from "../db/fund-days.ts";
import type { ReplacedDays } from "./aggregates.ts";
import { loadFundLedger } from "./load-ledger.ts";

export interface FundRecompute {
  fund: Fund;
  decimals: number;
  prices: ReadonlyMap<string, bigint>;
  changedFrom: string;
  reportDate: string | null;
  options: EngineOptions;
}

export interface FundRewrite {
  /** Replace the fund's stored rows in `replaced` (null: nothing to do). */
  statements: D1PreparedStatement[];
  replaced: ReplacedDays | null;
  /** The first row written, if any: where the fund's groups change at the earliest. */
  firstNewDay: string | null;
}

const EVERY_DAY: ReplacedDays = { from: "0000-01-01", before: "0000-01-01" };

/** The statements that bring the fund's rows up to date, and which days they replace. */
export async function recomputeFundStatements(db: D1Database, job: FundRecompute): Promise<FundRewrite> {
  const ledger = await loadFundLedger(db, job.fund, job.decimals, job.prices);
  const anchor = firstAnchor(ledger);
  if (anchor === null || job.reportDate === null || job.reportDate < anchor) {
    const removal = db.prepare("DELETE FROM fund_days WHERE fund = ?").bind(job.fund.ticker);
    return { statements: [removal], replaced: EVERY_DAY, firstNewDay: null };
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
  if (from > job.reportDate) return { statements: [], replaced: null, firstNewDay: null };
  const days = rollFund(
    ledger,
    job.reportDate,
    job.options,
    previous ? { from, previous: fromStored(previous, job.decimals) } : undefined,
  );
  const rows = days.map((day) => toStored(job.fund.ticker, day, job.decimals));
  return {
    statements: replaceFundDaysStatements(db, job.fund.ticker, from, anchor, rows),
    replaced: { from, before: anchor },
    firstNewDay: rows[0]?.date ?? null,
  };
}
