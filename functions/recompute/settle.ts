// Brings derived data up to date with the ledger before a write answers (read-your-writes).
// One recompute runs at a time, under a lease in D1: concurrent writers wait for the holder, which
// drains the queued funds, theirs included, as far as one invocation's D1 queries allow. A holder
// that dies (or runs out of budget) leaves the queue on record, so the next request goes on.
import { readFreshness } from "../db/meta.ts";
import { QueryBudget } from "../db/query-budget.ts";
import { loadAssets } from "../db/reference.ts";
import { Problem } from "../problem.ts";
import { Timings } from "../timing.ts";
import { type Lease, underLease } from "./lease.ts";
import { publishSummary } from "./publish.ts";
import { FUNDS_PER_ROUND, queued, workLeft } from "./queue.ts";
import { refreshStaleGroups, resumStaleGroupSums } from "./resum.ts";
import { type RoundContext, recomputeRound } from "./round.ts";

const WAIT_LIMIT_MS = 25_000;
/** Waiting for another request's lease: first pause, doubled up to the most. */
const FIRST_PAUSE_MS = 40;
const MAX_PAUSE_MS = 1_000;
/**
 * D1 queries one invocation spends on recompute at most, of the 1,000 it may make: the rest is the
 * request's own. A round costs about ten, plus one per 2,000 rows written.
 */
const QUERY_BUDGET = 800;

/**
 * Recomputes at most `maxFunds` queued funds under the lease (for operators' chunked rebuilds);
 * answers how many remain queued (plus one while group sums still await their re-sum), or null
 * when another request holds the lease.
 */
export async function settleSome(
  env: Env,
  maxFunds: number,
  timings = new Timings(),
): Promise<number | null> {
  const drained = await underLease(env.DB, (lease) =>
    drainQueue(env, lease, { maxFunds, budget: new QueryBudget(QUERY_BUDGET) }, timings),
  );
  if (drained === null) return null;
  if (drained) await timings.time("summary", () => publishSummary(env));
  return workLeft(env.DB);
}

export interface SettleOptions {
  timings?: Timings;
  /** D1 queries the recompute may spend (default QUERY_BUDGET). */
  queryBudget?: number;
  /**
   * Hands over the summary's publication (to waitUntil) instead of awaiting it: GET /v1/summary
   * rebuilds a copy older than data_version, so a write need not wait for it.
   */
  defer?: (work: Promise<unknown>) => void;
}

/**
 * Brings the derived data up to date with the ledger, as far as one invocation's D1 budget goes:
 * true when it is current, false when work remains (a write that queued more funds than one
 * invocation can recompute; the next request or the cron trigger goes on with it).
 */
export async function settleDerived(env: Env, options: SettleOptions = {}): Promise<boolean> {
  const timings = options.timings ?? new Timings();
  const budget = new QueryBudget(options.queryBudget ?? QUERY_BUDGET);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    if (!(await readFreshness(env.DB)).pending) return true;
    const drained = await underLease(env.DB, (lease) =>
      drainQueue(env, lease, { maxFunds: Number.POSITIVE_INFINITY, budget }, timings),
    );
    if (drained !== null) {
      if (!drained) return false;
      const publishing = timings.time("summary", () => publishSummary(env));
      if (options.defer) options.defer(publishing);
      else await publishing;
      continue;
    }
    if (Date.now() > deadline) {
      throw new Problem(
        503,
        "Derived figures are still being recomputed; the write is stored. Retry shortly.",
        [],
        {
          "Retry-After": "2",
        },
      );
    }
    // Backing off keeps a long wait to a few dozen D1 queries of the invocation's thousand.
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

/**
 * Recomputes queued funds a round at a time, then re-sums stale group sums; true when nothing is
 * left, false when `maxFunds` or the query budget stopped it first.
 */
async function drainQueue(
  env: Env,
  lease: Lease,
  limits: { maxFunds: number; budget: QueryBudget },
  timings: Timings,
): Promise<boolean> {
  const { budget } = limits;
  const db = budget.watch(env.DB);
  const round: RoundContext = {
    assets: await loadAssets(db),
    prices: new Map(),
    options: { accrueFees: env.FEE_ACCRUAL !== "off" },
  };
  let funds = limits.maxFunds;
  for (;;) {
    while (funds > 0 && budget.allows()) {
      const recomputed = await budget.step(() =>
        timings.time("funds", () => recomputeRound(db, lease, round, timings)),
      );
      if (!recomputed) break;
      funds -= FUNDS_PER_ROUND;
    }
    if (await queued(db)) return false;
    // A fund queued while the sums were re-summed goes round again before anything is published.
    const resummed = await timings.time("sums", () => resumStaleGroupSums(db, lease, budget));
    if (resummed === "queued") continue;
    if (resummed === "stopped") return false;
    // Only a re-sum can follow a fund out of its group (a difference never changes groups).
    if (resummed === "resummed") await timings.time("sums", () => refreshStaleGroups(db));
    return true;
  }
}
