// The end of every batch write: refuse it whole if any row is bad, else store it atomically and bring
// the derived figures up to date before answering (read-your-writes).
import type { Context } from "hono";
import type { AppEnv } from "../auth.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import { invalid, Problem } from "../problem.ts";
import { settleDerived } from "../recompute/settle.ts";
import { Timings } from "../timing.ts";
import { type FundRow, writeFundBatch } from "./fund-batch.ts";
import type { LedgerKind, LedgerRow } from "./kinds.ts";
import type { BatchErrors } from "./validate.ts";
import { writeBatch } from "./write.ts";

export type WriteContext = Context<AppEnv & { Variables: { idempotency?: IdempotencyClaim } }>;

export async function submitBatch(c: WriteContext, kind: LedgerKind, rows: LedgerRow[], errors: BatchErrors) {
  if (errors.errors.length > 0) throw invalid(errors.errors);
  const dryRun = c.req.query("dry_run") === "true";
  const deferred = recomputeDeferred(c);
  const timings = new Timings();
  const counts = await timings.time("write", () =>
    writeBatch(c.env.DB, {
      kind,
      rows,
      requestId: c.get("requestId"),
      recordedAt: new Date().toISOString(),
      claim: c.get("idempotency"),
      dryRun,
    }),
  );
  if (dryRun) return c.json({ ...counts, dry_run: true }, 200);
  // The summary is published after the answer: GET /v1/summary rebuilds a copy older than the write.
  const settled =
    deferred ||
    (await timings.time("recompute", () =>
      settleDerived(c.env, { timings, defer: (work) => c.executionCtx.waitUntil(work) }),
    ));
  c.header("Server-Timing", timings.header());
  if (deferred) return c.json({ ...counts, recompute_deferred: true }, 200);
  return c.json(settled ? counts : { ...counts, recompute_pending: true }, 200);
}

/**
 * The end of a fund metadata write (PUT /v1/funds/{ticker} is a batch of one, POST /v1/funds): the
 * funds stored as one batch, then the recompute, unless a dry run or, where the route offers it
 * (`deferrable`), recompute=defer.
 */
export async function submitFunds(c: WriteContext, funds: readonly FundRow[], deferrable: boolean) {
  const dryRun = c.req.query("dry_run") === "true";
  const deferred = deferrable && recomputeDeferred(c);
  const counts = await writeFundBatch(c.env.DB, {
    funds,
    source: c.get("caller").name,
    requestId: c.get("requestId"),
    recordedAt: new Date().toISOString(),
    claim: c.get("idempotency"),
    dryRun,
  });
  if (dryRun) return c.json({ ...counts, dry_run: true }, 200);
  if (deferred) return c.json({ ...counts, recompute_deferred: true }, 200);
  await settleDerived(c.env);
  return c.json(counts, 200);
}

/**
 * recompute=defer lets a bulk load (the importer's --bulk) store thousands of batches and settle once
 * at the end: recomputing a fund's history after every batch re-reads it batch after batch. Admin
 * only, because until the settle every read does the waiting work first.
 */
export function recomputeDeferred(c: WriteContext): boolean {
  if (c.req.query("recompute") !== "defer") return false;
  if (!c.get("caller").admin) throw new Problem(403, "Only an admin token may defer the recompute.");
  return true;
}
