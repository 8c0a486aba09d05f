// Recomputes funds' daily rows from the first date a change can reach, continuing from each fund's
// stored row of the day before, so a restatement late in a long history costs only the days after it.
// A round of funds is read in one batch: only the facts the resumed roll reads, and the rows before.
import { addDays, laterDate } from "../../shared/dates.ts";
import type { Fund } from "../../shared/domain.ts";
import { firstAnchor, recomputeFrom, rollFund } from "../../shared/engine/fund-days.ts";
import type { EngineOptions, FundLedger } from "../../shared/engine/types.ts";
import { fromStored, type StoredFundDay, toStored } from "../db/fund-days.ts";
import { Timings } from "../timing.ts";
import type { ReplacedDays } from "./aggregates.ts";
import { ALL_OF_IT, type LedgerRequest, loadLedgers } from "./load-ledger.ts";

export interface FundRecompute {
  fund: Fund;
  decimals: number;
  prices: ReadonlyMap<string, bigint>;
  /** The earliest date of a fact that changed. */
  changedFrom: string;
}

export interface FundRewrite {
  fund: Fund;
  /** The fund's stored rows in `replaced` give way to `rows` (replaced null: nothing to do). */
  replaced: ReplacedDays | null;
  rows: StoredFundDay[];
}

const EVERY_DAY: ReplacedDays = { from: "0000-01-01", before: "0000-01-01" };

/** What each fund's rows become, given the report date (the last day any fund has a flow). */
export async function recomputeFunds(
  db: D1Database,
  jobs: readonly FundRecompute[],
  reportDate: string | null,
  options: EngineOptions,
  timings = new Timings(),
): Promise<FundRewrite[]> {
  const requests = jobs.map((job): LedgerRequest => ({ ...job, since: job.changedFrom }));
  const [ledgers, previous] = await timings.time("ledger", () =>
    Promise.all([loadLedgers(db, requests), rowsBefore(db, jobs)]),
  );
  const rewrites = jobs.map((job) =>
    rewrite(
      job,
      { ledger: ledgers.get(job.fund.ticker) as FundLedger, complete: false, previous },
      reportDate,
      options,
    ),
  );
  // A fund that rolls from its start after all (its previous row is missing, or the change reaches
  // back past its earliest holdings mark) needs the facts the window left out.
  const whole = jobs.filter((_, index) => rewrites[index] === null);
  if (whole.length === 0) return rewrites as FundRewrite[];
  const full = await timings.time("ledger", () =>
    loadLedgers(
      db,
      whole.map((job) => ({ ...job, since: ALL_OF_IT })),
    ),
  );
  return jobs.map(
    (job, index) =>
      rewrites[index] ??
      (rewrite(
        job,
        { ledger: full.get(job.fund.ticker) as FundLedger, complete: true },
        reportDate,
        options,
      ) as FundRewrite),
  );
}

/** Each fund's stored row of the day before its change, by ticker. */
async function rowsBefore(
  db: D1Database,
  jobs: readonly FundRecompute[],
): Promise<Map<string, StoredFundDay>> {
  const wanted = JSON.stringify(jobs.map((job) => [job.fund.ticker, addDays(job.changedFrom, -1)]));
  const { results } = await db
    .prepare(
      `SELECT d.* FROM json_each(?1) w CROSS JOIN fund_days d ON d.fund = w.value ->> 0 AND d.date = w.value ->> 1`,
    )
    .bind(wanted)
    .all<StoredFundDay>();
  return new Map(results.map((row) => [row.fund, row]));
}

interface Loaded {
  ledger: FundLedger;
  /** False when it holds only the facts from the job's changedFrom on (and the first of each kind). */
  complete: boolean;
  /** Stored rows of the day before changedFrom, by ticker: where a roll resumes. */
  previous?: ReadonlyMap<string, StoredFundDay>;
}

/** The fund's new rows; null when the roll must start from the fund's first day and facts are missing. */
function rewrite(
  job: FundRecompute,
  { ledger, complete, previous }: Loaded,
  reportDate: string | null,
  options: EngineOptions,
): FundRewrite | null {
  const { fund, decimals } = job;
  const anchor = firstAnchor(ledger);
  if (anchor === null || reportDate === null || reportDate < anchor) {
    return { fund, replaced: EVERY_DAY, rows: [] };
  }
  const from = recomputeFrom(ledger, laterDate(job.changedFrom, anchor));
  const stored = previous?.get(fund.ticker);
  const resume =
    from > anchor && stored?.date === addDays(from, -1)
      ? { from, previous: fromStored(stored, decimals) }
      : undefined;
  if (!resume && !complete && job.changedFrom > anchor) return null;
  const start = resume ? from : anchor;
  if (start > reportDate) return { fund, replaced: null, rows: [] };
  const rows = rollFund(ledger, reportDate, options, resume).map((day) =>
    toStored(fund.ticker, day, decimals),
  );
  return { fund, replaced: { from: start, before: anchor }, rows };
}
