// Brings derived data up to date with the ledger before a write answers (read-your-writes).
// One recompute runs at a time, under a lease in D1: concurrent writers wait for the holder, which
// drains the queued funds, theirs included, as far as one invocation's D1 queries allow. A holder
// that dies (or runs out of budget) leaves the queue on record, so the next request goes on.
import { addDays, laterDate } from "../../shared/dates.ts";
import type { Asset } from "../../shared/domain.ts";
import { type Group, groupId, groupsOf } from "../../shared/engine/aggregate.ts";
import type { EngineOptions } from "../../shared/engine/types.ts";
import { fundDaysJson, insertFundDaysStatements, stampDaysVersionStatement } from "../db/fund-days.ts";
import { META, metaValue, readFreshness } from "../db/meta.ts";
import { QueryBudget } from "../db/query-budget.ts";
import { loadAssets, loadFunds } from "../db/reference.ts";
import { queueRecompute } from "../ledger/write-protocol.ts";
import { Problem } from "../problem.ts";
import { Timings } from "../timing.ts";
import {
  allGroups,
  deleteReplacedStatement,
  dropEmptyDaysStatement,
  markStaleStatement,
  orphanDifferenceStatement,
  replacementDifferenceStatement,
  resumSliceStatements,
} from "./aggregates.ts";
import { type FundRecompute, type FundRewrite, recomputeFunds } from "./fund.ts";
import { loadCurrentAssetPrices } from "./load-ledger.ts";
import { publishSummary } from "./publish.ts";

const LEASE_MS = 30_000;
const WAIT_LIMIT_MS = 25_000;
/** Waiting for another request's lease: first pause, doubled up to the most. */
const FIRST_PAUSE_MS = 40;
const MAX_PAUSE_MS = 1_000;
/** Funds per transaction: bounds a request's memory and D1 statement count. */
const FUNDS_PER_ROUND = 25;
/**
 * D1 queries one invocation spends on recompute at most, of the 1,000 it may make: the rest is the
 * request's own. A round costs about ten, plus one per 2,000 rows written.
 */
const QUERY_BUDGET = 800;

interface QueueEntry {
  fund: string;
  from_date: string;
  seq: number;
}

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
  const expiry = await acquireLease(env.DB);
  if (expiry === null) return null;
  const lease = { expiry };
  let drained = false;
  try {
    drained = await drainQueue(env, lease, { maxFunds, budget: new QueryBudget(QUERY_BUDGET) }, timings);
  } finally {
    await releaseLease(env.DB, lease);
  }
  if (drained) await timings.time("summary", () => publishSummary(env));
  const left = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM recompute_queue)
       + (${metaValue(META.aggregatesStaleFrom)} <> '') AS n`,
  ).first<number>("n");
  return left ?? 0;
}

async function releaseLease(db: D1Database, lease: { expiry: number }): Promise<void> {
  await db
    .prepare(`UPDATE meta SET value = '0' WHERE key = '${META.recomputeLease}' AND value = ?`)
    .bind(String(lease.expiry))
    .run();
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
    const expiry = await acquireLease(env.DB);
    if (expiry !== null) {
      const lease = { expiry };
      let drained = false;
      try {
        drained = await drainQueue(env, lease, { maxFunds: Number.POSITIVE_INFINITY, budget }, timings);
      } finally {
        await releaseLease(env.DB, lease);
      }
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

/** The lease's expiry (its identity) when taken, else null. */
async function acquireLease(db: D1Database): Promise<number | null> {
  const now = Date.now();
  const expiry = now + LEASE_MS + Math.floor(Math.random() * 1000);
  const result = await db
    .prepare(
      `UPDATE meta SET value = ?1 WHERE key = '${META.recomputeLease}' AND CAST(value AS INTEGER) < ?2`,
    )
    .bind(String(expiry), now)
    .run();
  return result.meta.changes === 1 ? expiry : null;
}

/**
 * Fails the whole transaction (a primary-key conflict) unless this request still holds the lease,
 * so a holder that stalled past its expiry can never overwrite a newer holder's results.
 */
function leaseGuard(db: D1Database, lease: { expiry: number }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO meta (key, value) SELECT '${META.recomputeLease}', 'lost'
       WHERE ${metaValue(META.recomputeLease)} <> ?`,
    )
    .bind(String(lease.expiry));
}

/**
 * Recomputes queued funds a round at a time, then re-sums stale group sums; true when nothing is
 * left, false when `maxFunds` or the query budget stopped it first.
 */
async function drainQueue(
  env: Env,
  lease: { expiry: number },
  limits: { maxFunds: number; budget: QueryBudget },
  timings: Timings,
): Promise<boolean> {
  const { budget } = limits;
  const db = budget.watch(env.DB);
  const options = { accrueFees: env.FEE_ACCRUAL !== "off" };
  const assets = await loadAssets(db);
  const prices = new Map<string, ReadonlyMap<string, bigint>>();
  let funds = limits.maxFunds;
  for (;;) {
    while (funds > 0 && budget.allows()) {
      const round = await budget.step(() =>
        timings.time("funds", () => recomputeRound(db, lease, assets, prices, options, timings)),
      );
      if (!round) break;
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

/** One round: up to FUNDS_PER_ROUND queued funds recomputed in one transaction; false when none. */
async function recomputeRound(
  db: D1Database,
  lease: { expiry: number },
  assets: Map<string, Asset>,
  prices: Map<string, ReadonlyMap<string, bigint>>,
  options: EngineOptions,
  timings: Timings,
): Promise<boolean> {
  const reportDate = await extendToReportDate(db);
  const { entries, bulk } = await nextRound(db);
  if (entries.length === 0) return false;
  const funds = await loadFunds(
    db,
    entries.map((entry) => entry.fund),
  );
  const jobs: FundRecompute[] = [];
  for (const entry of entries) {
    const fund = funds.get(entry.fund);
    const decimals = fund ? assets.get(fund.asset)?.decimals : undefined;
    if (!fund || decimals === undefined) continue;
    let assetPrices = prices.get(fund.asset);
    if (!assetPrices) {
      assetPrices = await timings.time("prices", () => loadCurrentAssetPrices(db, fund.asset));
      prices.set(fund.asset, assetPrices);
    }
    jobs.push({ fund, decimals, prices: assetPrices, changedFrom: entry.from_date });
  }
  const rewrites = await recomputeFunds(db, jobs, reportDate, options, timings);
  const renewed = Date.now() + LEASE_MS;
  const statements = [
    leaseGuard(db, lease),
    ...rewriteStatements(db, rewrites, bulk),
    db
      .prepare(
        `DELETE FROM recompute_queue WHERE (fund, seq) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
      )
      .bind(JSON.stringify(entries.map((entry) => [entry.fund, entry.seq]))),
    db
      .prepare(`UPDATE meta SET value = ? WHERE key = '${META.recomputeLease}' AND value = ?`)
      .bind(String(renewed), String(lease.expiry)),
  ];
  await timings.time("store", () => db.batch(statements));
  lease.expiry = renewed;
  return true;
}

/**
 * The funds' rows replaced, with their groups' sums corrected by difference, or (bulk) marked stale
 * for one re-sum at the end. A handful of set-based statements, however many funds.
 */
function rewriteStatements(
  db: D1Database,
  rewrites: readonly FundRewrite[],
  bulk: boolean,
): D1PreparedStatement[] {
  const replacing = rewrites.flatMap(({ fund, replaced, rows }) =>
    replaced
      ? [
          {
            fund: fund.ticker,
            replaced,
            groups: bulk ? [] : groupsOf(fund),
            lastNewDay: rows.at(-1)?.date ?? null,
          },
        ]
      : [],
  );
  if (replacing.length === 0) return [];
  const rows = rewrites.flatMap((rewrite) => rewrite.rows);
  const newRows = fundDaysJson(rows);
  const replace = [
    deleteReplacedStatement(db, replacing),
    ...insertFundDaysStatements(db, newRows),
    stampDaysVersionStatement(
      db,
      replacing.map(({ fund }) => fund),
    ),
  ];
  if (bulk) {
    const firstNewDay = rows.reduce<string | null>(
      (first, row) => (first === null || row.date < first ? row.date : first),
      null,
    );
    return [markStaleStatement(db, replacing, firstNewDay), ...replace];
  }
  return [
    ...newRows.map((json) => replacementDifferenceStatement(db, replacing, json)),
    orphanDifferenceStatement(db, replacing),
    ...replace,
    dropEmptyDaysStatement(db),
  ];
}

/**
 * The next funds to recompute, and whether their groups are re-summed in bulk afterwards rather than
 * corrected by difference: when more funds are queued than one round takes (a backfill, a rebuild,
 * a new report date), one re-sum at the end is far cheaper than a difference per fund; and once the
 * sums are marked stale (a fund changed groups), differences would only be overwritten.
 */
async function nextRound(db: D1Database): Promise<{ entries: QueueEntry[]; bulk: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT fund, from_date, seq, (SELECT COUNT(*) FROM recompute_queue) AS queued,
         ${metaValue(META.aggregatesStaleFrom)} AS stale
       FROM recompute_queue ORDER BY fund LIMIT ?`,
    )
    .bind(FUNDS_PER_ROUND)
    .all<QueueEntry & { queued: number; stale: string }>();
  const first = results[0];
  return {
    entries: results,
    bulk: first !== undefined && (first.stale !== "" || first.queued > FUNDS_PER_ROUND),
  };
}

async function queued(db: D1Database): Promise<boolean> {
  return (
    (await db.prepare("SELECT EXISTS (SELECT 1 FROM recompute_queue) AS left").first<number>("left")) === 1
  );
}

/** Fund rows per re-sum statement: bounds each statement's time and memory in D1. */
const FUND_ROWS_PER_SLICE = 500_000;

/**
 * Re-sums every group from the stale mark on, one date slice per transaction, moving the mark past
 * each slice so a crash resumes where it stopped. "queued" when a fund was queued meanwhile (its
 * rows must be recomputed first); "current" when nothing was stale.
 */
async function resumStaleGroupSums(
  db: D1Database,
  lease: { expiry: number },
  budget: QueryBudget,
): Promise<"queued" | "current" | "resummed" | "stopped"> {
  let outcome: "current" | "resummed" = "current";
  for (;;) {
    const mark = await db
      .prepare(
        `SELECT ${metaValue(META.aggregatesStaleFrom)} AS stale,
           EXISTS (SELECT 1 FROM recompute_queue) AS queued`,
      )
      .first<{ stale: string; queued: number }>();
    if (!mark || mark.queued) return "queued";
    if (mark.stale === "") return outcome;
    outcome = "resummed";
    const state = await db
      .prepare(
        `SELECT ?1 AS stale, (SELECT COUNT(*) FROM funds) AS funds,
           (SELECT MIN((SELECT date FROM fund_days WHERE fund = f.ticker ORDER BY date LIMIT 1)) FROM funds f) AS first,
           (SELECT MAX((SELECT date FROM fund_days WHERE fund = f.ticker ORDER BY date DESC LIMIT 1)) FROM funds f)
             AS last`,
      )
      .bind(mark.stale)
      .first<{ stale: string; funds: number; first: string | null; last: string | null }>();
    if (!state) return "queued";
    const days = Math.min(3660, Math.max(31, Math.floor(FUND_ROWS_PER_SLICE / Math.max(1, state.funds))));
    const bounds = sliceBounds(state.stale, state.first, state.last, days);
    for (const [index, from] of bounds.slice(0, -1).entries()) {
      if (!budget.allows()) return "stopped";
      const to = bounds[index + 1] as string;
      const next = index + 2 < bounds.length ? to : "";
      await budget.step(() =>
        db.batch([
          leaseGuard(db, lease),
          ...resumSliceStatements(db, from, to),
          db
            .prepare(`UPDATE meta SET value = ?2 WHERE key = '${META.aggregatesStaleFrom}' AND value = ?1`)
            .bind(from, next),
        ]),
      );
    }
  }
}

/** [stale, …, "9999-12-31"]: slices of `days` over the fund rows, the first and last open-ended. */
function sliceBounds(stale: string, first: string | null, last: string | null, days: number): string[] {
  const bounds = [stale];
  if (first === null || last === null) return [...bounds, "9999-12-31"];
  for (let day = addDays(laterDate(stale, first), days); day <= last; day = addDays(day, days)) {
    bounds.push(day);
  }
  return [...bounds, "9999-12-31"];
}

/**
 * The report date is the last day any fund has a flow on record. When it moves forward every fund
 * needs rows for the new days, so all of them are queued from the day after the old one.
 */
async function extendToReportDate(db: D1Database): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT (SELECT MAX((SELECT date FROM flows WHERE fund = f.ticker ORDER BY date DESC LIMIT 1)) FROM funds f)
           AS latest,
         ${metaValue(META.reportDate)} AS stored`,
    )
    .first<{ latest: string | null; stored: string }>();
  const latest = row?.latest ?? null;
  const stored = row?.stored || null;
  if (latest === null || latest === stored) return latest;
  const from = stored && stored < latest ? addDays(stored, 1) : "0000-01-01";
  await db.batch([
    db.prepare(queueRecompute("SELECT ticker AS fund, ?1 AS date FROM funds")).bind(from),
    db.prepare(`UPDATE meta SET value = ? WHERE key = '${META.reportDate}'`).bind(latest),
  ]);
  return latest;
}

/** Groups left without funds (an issuer renamed, say) keep no stale rows. */
async function refreshStaleGroups(db: D1Database): Promise<void> {
  const live = new Set((await allGroups(db)).map(groupId));
  const { results } = await db
    .prepare("SELECT DISTINCT group_by AS by, group_key AS key FROM aggregate_days")
    .all<Group>();
  const stale = results.filter((group) => !live.has(groupId(group)));
  if (stale.length === 0) return;
  await db.batch(
    stale.map((group) =>
      db.prepare("DELETE FROM aggregate_days WHERE group_by = ? AND group_key = ?").bind(group.by, group.key),
    ),
  );
}
