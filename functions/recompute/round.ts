// One round of the recompute: up to FUNDS_PER_ROUND queued funds recomputed and stored in one
// transaction, which also takes them off the queue and renews the lease.
import type { Asset } from "../../shared/domain.ts";
import type { EngineOptions } from "../../shared/engine/types.ts";
import { loadFunds } from "../db/reference.ts";
import type { Timings } from "../timing.ts";
import { type FundRecompute, recomputeFunds } from "./fund.ts";
import { LEASE_MS, type Lease, leaseGuard, renewLeaseStatement } from "./lease.ts";
import { loadCurrentAssetPrices } from "./load-ledger.ts";
import { dequeueStatement, nextRound } from "./queue.ts";
import { extendToReportDate } from "./report-date.ts";
import { rewriteStatements } from "./rewrite.ts";

/** What rounds share: the assets, each asset's prices as loaded once, the engine's options. */
export interface RoundContext {
  assets: Map<string, Asset>;
  prices: Map<string, ReadonlyMap<string, bigint>>;
  options: EngineOptions;
}

/** One round; false when no fund was queued. */
export async function recomputeRound(
  db: D1Database,
  lease: Lease,
  { assets, prices, options }: RoundContext,
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
    dequeueStatement(db, entries),
    renewLeaseStatement(db, lease, renewed),
  ];
  await timings.time("store", () => db.batch(statements));
  lease.expiry = renewed;
  return true;
}
