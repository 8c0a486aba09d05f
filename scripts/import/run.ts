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
import { ApiProblem, sendWithRetry } from "./http.ts";
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
}

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

  const query = options.dryRun ? "?dry_run=true" : "";
  const steps = planImport(parsed, batchSize, query);
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
  for (const step of steps) {
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
  }
  progress.finish();
  return { dryRun: options.dryRun ?? false, totals, warnings, batches: steps.length, rows: rowCount };
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
