// Brings derived data up to date with the ledger before a write answers (read-your-writes).
// One recompute runs at a time, under a lease in D1: concurrent writers wait for the holder, which
// drains every queued fund, theirs included. A holder that dies leaves the queue intact and the
// lease expires, so the next request finishes the work.
import { addDays } from "../../shared/dates.ts";
import { type Group, groupId, groupsOf } from "../../shared/engine/aggregate.ts";
import { loadAssets, loadFunds } from "../db/reference.ts";
import { Problem } from "../problem.ts";
import { allGroups, refreshGroupStatements } from "./aggregates.ts";
import { recomputeFundStatements } from "./fund.ts";
import { loadAssetPrices } from "./load-ledger.ts";
import { publishSummary } from "./publish.ts";

const LEASE_MS = 30_000;
const WAIT_LIMIT_MS = 25_000;
/** Funds per transaction: bounds a request's memory and D1 statement count. */
const FUNDS_PER_ROUND = 25;

interface QueueEntry {
  fund: string;
  from_date: string;
  seq: number;
}

/**
 * Recomputes at most `maxFunds` queued funds under the lease (for operators' chunked rebuilds);
 * answers how many remain queued, or null when another request holds the lease.
 */
export async function settleSome(env: Env, maxFunds: number): Promise<number | null> {
  const expiry = await acquireLease(env.DB);
  if (expiry === null) return null;
  const lease = { expiry };
  try {
    await drainQueue(env, lease, maxFunds);
  } finally {
    await releaseLease(env.DB, lease);
  }
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue").first<number>("n")) ?? 0;
}

async function releaseLease(db: D1Database, lease: { expiry: number }): Promise<void> {
  await db
    .prepare("UPDATE meta SET value = '0' WHERE key = 'recompute_lease' AND value = ?")
    .bind(String(lease.expiry))
    .run();
}

export async function settleDerived(env: Env): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const pending = await env.DB.prepare(
      "SELECT EXISTS (SELECT 1 FROM recompute_queue) AS pending",
    ).first<number>("pending");
    if (!pending) return;
    const expiry = await acquireLease(env.DB);
    if (expiry !== null) {
      const lease = { expiry };
      try {
        await drainQueue(env, lease);
      } finally {
        await releaseLease(env.DB, lease);
      }
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
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** The lease's expiry (its identity) when taken, else null. */
async function acquireLease(db: D1Database): Promise<number | null> {
  const now = Date.now();
  const expiry = now + LEASE_MS + Math.floor(Math.random() * 1000);
  const result = await db
    .prepare("UPDATE meta SET value = ?1 WHERE key = 'recompute_lease' AND CAST(value AS INTEGER) < ?2")
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
      `INSERT INTO meta (key, value) SELECT 'recompute_lease', 'lost'
       WHERE (SELECT value FROM meta WHERE key = 'recompute_lease') <> ?`,
    )
    .bind(String(lease.expiry));
}

async function drainQueue(
  env: Env,
  lease: { expiry: number },
  maxFunds = Number.POSITIVE_INFINITY,
): Promise<void> {
  const db = env.DB;
  const options = { accrueFees: env.FEE_ACCRUAL !== "off" };
  const assets = await loadAssets(db);
  const prices = new Map<string, ReadonlyMap<string, bigint>>();
  for (let budget = maxFunds; budget > 0; budget -= FUNDS_PER_ROUND) {
    const reportDate = await extendToReportDate(db);
    const { results: entries } = await db
      .prepare("SELECT fund, from_date, seq FROM recompute_queue ORDER BY fund LIMIT ?")
      .bind(FUNDS_PER_ROUND)
      .all<QueueEntry>();
    if (entries.length === 0) break;
    const funds = await loadFunds(
      db,
      entries.map((entry) => entry.fund),
    );
    const touched = new Map<string, { group: Group; from: string }>();
    const statements: D1PreparedStatement[] = [leaseGuard(db, lease)];
    for (const entry of entries) {
      const fund = funds.get(entry.fund);
      const decimals = fund ? assets.get(fund.asset)?.decimals : undefined;
      if (!fund || decimals === undefined) continue;
      let assetPrices = prices.get(fund.asset);
      if (!assetPrices) {
        assetPrices = await loadAssetPrices(db, fund.asset);
        prices.set(fund.asset, assetPrices);
      }
      const job = { fund, decimals, prices: assetPrices, changedFrom: entry.from_date, reportDate, options };
      const result = await recomputeFundStatements(db, job);
      statements.push(...result.statements);
      for (const group of groupsOf(fund)) {
        const seen = touched.get(groupId(group));
        if (!seen || result.from < seen.from) touched.set(groupId(group), { group, from: result.from });
      }
    }
    for (const { group, from } of touched.values())
      statements.push(...refreshGroupStatements(db, group, from));
    for (const entry of entries) {
      statements.push(
        db.prepare("DELETE FROM recompute_queue WHERE fund = ? AND seq = ?").bind(entry.fund, entry.seq),
      );
    }
    const renewed = Date.now() + LEASE_MS;
    statements.push(
      db
        .prepare("UPDATE meta SET value = ? WHERE key = 'recompute_lease' AND value = ?")
        .bind(String(renewed), String(lease.expiry)),
    );
    await db.batch(statements);
    lease.expiry = renewed;
  }
  const left = await db
    .prepare("SELECT EXISTS (SELECT 1 FROM recompute_queue) AS left")
    .first<number>("left");
  if (left) return;
  await refreshStaleGroups(db);
  await publishSummary(env);
}

/**
 * The report date is the last day any fund has a flow on record. When it moves forward every fund
 * needs rows for the new days, so all of them are queued from the day after the old one.
 */
async function extendToReportDate(db: D1Database): Promise<string | null> {
  const row = await db
    .prepare(
      "SELECT (SELECT MAX(date) FROM flows) AS latest, (SELECT value FROM meta WHERE key = 'report_date') AS stored",
    )
    .first<{ latest: string | null; stored: string }>();
  const latest = row?.latest ?? null;
  const stored = row?.stored || null;
  if (latest === null || latest === stored) return latest;
  const from = stored && stored < latest ? addDays(stored, 1) : "0000-01-01";
  await db.batch([
    db
      .prepare(
        `INSERT INTO recompute_queue (fund, from_date, seq)
         SELECT ticker, ?1, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version') FROM funds WHERE true
         ON CONFLICT (fund) DO UPDATE SET from_date = MIN(from_date, excluded.from_date), seq = excluded.seq`,
      )
      .bind(from),
    db.prepare("UPDATE meta SET value = ? WHERE key = 'report_date'").bind(latest),
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
