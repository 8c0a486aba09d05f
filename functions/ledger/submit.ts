// The end of every batch write: refuse it whole if any row is bad, else store it atomically and bring
// the derived figures up to date before answering (read-your-writes).
import type { Context } from "hono";
import type { AppEnv } from "../auth.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import { invalid } from "../problem.ts";
import { settleDerived } from "../recompute/settle.ts";
import type { LedgerKind, LedgerRow } from "./kinds.ts";
import type { BatchErrors } from "./validate.ts";
import { writeBatch } from "./write.ts";

export type WriteContext = Context<AppEnv & { Variables: { idempotency?: IdempotencyClaim } }>;

export async function submitBatch(c: WriteContext, kind: LedgerKind, rows: LedgerRow[], errors: BatchErrors) {
  if (errors.errors.length > 0) throw invalid(errors.errors);
  const dryRun = c.req.query("dry_run") === "true";
  const counts = await writeBatch(c.env.DB, {
    kind,
    rows,
    requestId: c.get("requestId"),
    recordedAt: new Date().toISOString(),
    claim: c.get("idempotency"),
    dryRun,
  });
  if (!dryRun) await settleDerived(c.env);
  return c.json(dryRun ? { ...counts, dry_run: true } : counts, 200);
}
