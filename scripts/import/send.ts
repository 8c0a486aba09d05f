// Sending a planned import: every write with an Idempotency-Key hashed from its path and body, the
// answers added up per kind, a refused batch explained row by row.

import { createHash } from "node:crypto";
import type { ImportStep, WriteKind } from "../../shared/import/plan.ts";
import { ApiProblem, type RetryOptions, sendWithRetry } from "./http.ts";
import type { OutputStream, Progress } from "./progress.ts";

export interface KindTotals {
  inserted: number;
  restated: number;
  unchanged: number;
}

export interface SendOptions {
  api: string;
  token: string;
  dryRun: boolean;
  /** Batches of one file in flight at once (packed batches of a replay always go one at a time). */
  inFlight: number;
  retry: RetryOptions;
  progress: Progress;
  totals: Record<WriteKind, KindTotals>;
}

export async function sendSteps(steps: readonly ImportStep[], options: SendOptions): Promise<void> {
  const { progress, totals } = options;
  const send = async (step: ImportStep) => {
    const body = step.body;
    // The key hashes the path and the exact body: the same file re-sent gives the same keys, so a
    // re-run replays; any change gives new ones. Dry runs send none: a replayed dry-run answer
    // would describe the database as it was then, not as it is now.
    const idempotencyKey = options.dryRun
      ? undefined
      : `import-${createHash("sha256").update(`${step.path}\n${body}`).digest("hex")}`;
    const request = {
      method: step.method,
      url: `${options.api}${step.path}`,
      token: options.token,
      body,
      idempotencyKey,
    };
    const answer = await sendWithRetry(request, options.retry).catch((error: unknown) => {
      progress.finish();
      throw error instanceof ApiProblem ? new Error(describeProblem(step, error), { cause: error }) : error;
    });
    if (answer.replayed) totals[step.kind].unchanged += step.rows.length;
    else addCounts(totals[step.kind], answer.body, step.rows.length);
    progress.advance(step.rows.length);
  };
  // Batches of one file are independent (no key twice in a file, recompute deferred), so a bulk load
  // keeps two in flight; files still go one after another, so a later file's restatement lands last.
  for (const group of groupByFile(steps)) {
    await inPool(group, group[0]?.ordered ? 1 : options.inFlight, send);
  }
}

function groupByFile(steps: readonly ImportStep[]): ImportStep[][] {
  const groups: ImportStep[][] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (last && last[0]?.file === step.file && last[0]?.kind === step.kind) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/** Runs `work` over `items` with at most `width` at a time, in order of start; the first error wins. */
async function inPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * Funds per settle call: a call's time. Its D1 queries are bounded by the Worker itself (it stops
 * before one invocation's 1,000 and answers what remains; see README, Scale).
 */
export const SETTLE_FUNDS_PER_CALL = 200;

/** Drives the deferred recompute to the end through /v1/admin/settle, a bounded chunk per call. */
export async function settleAll(
  api: string,
  token: string,
  retry: RetryOptions,
  stderr: OutputStream,
): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  let calls = 0;
  for (;;) {
    calls += 1;
    const request = {
      method: "POST" as const,
      url: `${api}/v1/admin/settle?max_funds=${SETTLE_FUNDS_PER_CALL}`,
      token,
      body: "",
    };
    const { body } = await sendWithRetry(request, retry);
    const remaining = (body as { remaining?: number | null }).remaining;
    if (remaining === 0) break;
    if (remaining === null || remaining === undefined) await retry.sleep(200);
    else stderr.write(`settling the recompute: ${remaining} left\n`);
  }
  return { calls, ms: performance.now() - started };
}

/** Adds a write's counts; a fund PUT that answers without counts counts as one row written. */
function addCounts(totals: KindTotals, answer: unknown, rows: number): void {
  const counts = answer as Partial<Record<keyof KindTotals, unknown>>;
  if (typeof counts?.inserted !== "number") {
    totals.inserted += rows;
    return;
  }
  totals.inserted += counts.inserted;
  totals.restated += typeof counts.restated === "number" ? counts.restated : 0;
  totals.unchanged += typeof counts.unchanged === "number" ? counts.unchanged : 0;
}

/** The problem's detail and every field error, each with the row it points at. */
function describeProblem(step: ImportStep, problem: ApiProblem): string {
  const last = step.offset + step.rows.length;
  const span = step.rows.length === 1 ? `row ${last}` : `rows ${step.offset + 1}-${last}`;
  const batch = `${step.kind} ${span} of ${step.file}`;
  const lines = [`the API refused ${batch} (HTTP ${problem.status}): ${problem.detail}`];
  for (const field of problem.errors) {
    const index = /^\/[^/]+\/(\d+)/.exec(field.pointer ?? "")?.[1];
    const row = index === undefined ? undefined : step.rows[Number(index)];
    const shown = row === undefined ? "" : `  row ${step.offset + Number(index) + 1}: ${JSON.stringify(row)}`;
    lines.push(`  ${field.pointer ?? "(no pointer)"}: ${field.detail ?? ""}${shown}`);
  }
  return lines.join("\n");
}
