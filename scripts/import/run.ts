// The importer as a function: read and check every file locally, then send funds, prices,
// holdings, events and flows in that order, because each kind refers to the ones before it.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { readImportFile } from "../../shared/import/long.ts";
import {
  type ImportStep,
  MAX_BATCH,
  planImport,
  WRITE_ORDER,
  type WriteKind,
} from "../../shared/import/plan.ts";
import type { ParsedFile } from "../../shared/import/types.ts";
import { ApiProblem, type RetryOptions, sendWithRetry } from "./http.ts";
import { createProgress, type OutputStream } from "./progress.ts";

export { MAX_BATCH, WRITE_ORDER, type WriteKind } from "../../shared/import/plan.ts";

export interface ImportOptions {
  files: string[];
  api: string;
  token: string;
  dryRun?: boolean;
  /** Rows per POST; the API takes up to 10,000, 5,000 keeps each request well under 5 MiB. */
  batchSize?: number;
  /** Asset of `date,close_usd` price files whose name does not start with it. */
  asset?: string;
  /**
   * A bulk load (admin token): funds in batches, every write with its recompute deferred, then one
   * chunked settle at the end, instead of recomputing each fund's history after every batch.
   */
  bulk?: boolean;
  stderr?: OutputStream;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface KindTotals {
  inserted: number;
  restated: number;
  unchanged: number;
}

export interface ImportReport {
  dryRun: boolean;
  totals: Record<WriteKind, KindTotals>;
  warnings: string[];
  batches: number;
  rows: number;
  /** Time spent sending the writes, and (bulk) settling the recompute after them. */
  writeMs: number;
  settle?: { calls: number; ms: number };
}

/**
 * Funds per settle call: a call's time. Its D1 queries are bounded by the Worker itself (it stops
 * before one invocation's 1,000 and answers what remains; see README, Scale).
 */
export const SETTLE_FUNDS_PER_CALL = 200;

export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const stderr = options.stderr ?? process.stderr;
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new Error(`batch size must be a whole number from 1 to ${MAX_BATCH}, not ${batchSize}`);
  }
  // Everything is parsed before anything is sent: a typo in the last file must not leave the
  // first files half imported.
  const parsed = options.files.map((file) => ({
    file,
    data: readImportFile(readFileSync(file, "utf8"), file, options.asset ? { asset: options.asset } : {}),
  }));
  const warnings = parsed.flatMap(({ data }) => data.warnings);
  for (const warning of warnings) stderr.write(`warning: ${warning}\n`);
  for (const { file, data } of parsed) checkUniqueKeys(file, data);

  const bulk = options.bulk ?? false;
  const query = options.dryRun ? "?dry_run=true" : bulk ? "?recompute=defer" : "";
  const steps = planImport(parsed, batchSize, query, { fundsInBatches: bulk });
  const totals = Object.fromEntries(
    WRITE_ORDER.map((kind) => [kind, { inserted: 0, restated: 0, unchanged: 0 }]),
  ) as Record<WriteKind, KindTotals>;
  const rowCount = steps.reduce((sum, step) => sum + step.rows.length, 0);
  const progress = createProgress(stderr, steps.length, rowCount);
  const retry = {
    fetch: options.fetch ?? fetch,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    random: options.random ?? Math.random,
    onRetry: (message: string) => progress.note(`retrying: ${message}`),
  };
  const api = options.api.replace(/\/+$/, "");
  const started = performance.now();
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
      url: `${api}${step.path}`,
      token: options.token,
      body,
      idempotencyKey,
    };
    const answer = await sendWithRetry(request, retry).catch((error: unknown) => {
      progress.finish();
      throw error instanceof ApiProblem ? new Error(describeProblem(step, error), { cause: error }) : error;
    });
    if (answer.replayed) totals[step.kind].unchanged += step.rows.length;
    else addCounts(totals[step.kind], answer.body, step.rows.length);
    progress.advance(step.rows.length);
  };
  // A bulk load keeps two batches of the same file in flight: the server reads and checks one while
  // it stores the other. Batches of one file are independent (no key twice in a file, recompute
  // deferred); files still go one after another, so a later file's restatement lands last.
  for (const group of groupByFile(steps)) await inPool(group, bulk ? BULK_IN_FLIGHT : 1, send);
  progress.finish();
  const writeMs = performance.now() - started;
  const report = {
    dryRun: options.dryRun ?? false,
    totals,
    warnings,
    batches: steps.length,
    rows: rowCount,
    writeMs,
  };
  if (!bulk || options.dryRun) return report;
  return { ...report, settle: await settleAll(api, options.token, retry, stderr) };
}

const BULK_IN_FLIGHT = 2;

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

/** Drives the deferred recompute to the end through /v1/admin/settle, a bounded chunk per call. */
async function settleAll(
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

/** The API refuses a batch holding the same key twice; say so before sending anything. */
function checkUniqueKeys(file: string, data: ParsedFile): void {
  if (data.kind === "events") return; // events have no natural key
  const seen = new Set<string>();
  for (const row of data.rows) {
    const r = row as unknown as Record<string, string | undefined>;
    const key = [r.ticker ?? r.fund ?? r.asset, r.date, r.source].join("|");
    if (seen.has(key)) throw new Error(`${file}: ${data.kind} row ${key.replace(/\|+$/, "")} appears twice`);
    seen.add(key);
  }
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
