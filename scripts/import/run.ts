// The importer as a function: read and check every file locally, then send funds, prices,
// holdings, events and flows in that order, because each kind refers to the ones before it.

import { setTimeout as delay } from "node:timers/promises";
import { planImport, WRITE_ORDER, type WriteKind } from "../../shared/import/plan.ts";
import type { ReplaySummary } from "../../shared/import/replay.ts";
import type { ParsedFile } from "../../shared/import/types.ts";
import { MAX_ROWS_PER_BATCH } from "../../shared/schemas.ts";
import { lookUpListings } from "./funds-lookup.ts";
import { createProgress, type OutputStream } from "./progress.ts";
import { readImportFiles } from "./read.ts";
import { type KindTotals, sendSteps, settleAll } from "./send.ts";

export { WRITE_ORDER, type WriteKind } from "../../shared/import/plan.ts";
export { type KindTotals, SETTLE_FUNDS_PER_CALL } from "./send.ts";

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
  /**
   * Path of Farside's revision log (admin token): the Farside tables among `files` are replayed as
   * the public saw them, from the first capture on, instead of imported as they are now. A replay
   * is a bulk load (see `bulk`); its batches go one at a time, in order.
   */
  replay?: string;
  /** When the replay's first capture was public (ISO); default: the log's earliest change. */
  firstCapture?: string;
  stderr?: OutputStream;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
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
  /** What the replay of a revision log sent (with `replay`). */
  replay?: ReplaySummary & { batches: number };
}

export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const stderr = options.stderr ?? process.stderr;
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ROWS_PER_BATCH) {
    throw new Error(`batch size must be a whole number from 1 to ${MAX_ROWS_PER_BATCH}, not ${batchSize}`);
  }
  const api = options.api.replace(/\/+$/, "");
  let onRetry = (message: string): void => void stderr.write(`retrying: ${message}\n`);
  const retry = {
    fetch: options.fetch ?? fetch,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    random: options.random ?? Math.random,
    onRetry: (message: string) => onRetry(message),
  };
  // Everything is parsed before anything is sent: a typo in the last file must not leave the
  // first files half imported.
  const read = await readImportFiles({
    files: options.files,
    ...(options.asset && { asset: options.asset }),
    ...(options.replay && { replay: options.replay }),
    ...(options.firstCapture && { firstCapture: options.firstCapture }),
    batchSize,
    lookUp: (tickers) => lookUpListings(api, options.token, retry, tickers),
    note: (line) => void stderr.write(`${line}\n`),
  });
  for (const warning of read.warnings) stderr.write(`warning: ${warning}\n`);
  for (const { file, data } of read.files) checkUniqueKeys(file, data);

  const deferred = (options.bulk ?? false) || options.replay !== undefined;
  const query = options.dryRun ? "?dry_run=true" : deferred ? "?recompute=defer" : "";
  const steps = planImport(read.files, batchSize, query, { fundsInBatches: deferred });
  const totals = Object.fromEntries(
    WRITE_ORDER.map((kind) => [kind, { inserted: 0, restated: 0, unchanged: 0 }]),
  ) as Record<WriteKind, KindTotals>;
  const rowCount = steps.reduce((sum, step) => sum + step.rows.length, 0);
  const progress = createProgress(stderr, steps.length, rowCount);
  onRetry = (message) => progress.note(`retrying: ${message}`);
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const inFlight = deferred ? BULK_IN_FLIGHT : 1;
  await sendSteps(steps, { api, token: options.token, dryRun, inFlight, retry, progress, totals });
  progress.finish();
  const report: ImportReport = {
    dryRun,
    totals,
    warnings: read.warnings,
    batches: steps.length,
    rows: rowCount,
    writeMs: performance.now() - started,
    ...(read.replay && { replay: read.replay }),
  };
  if (!deferred || dryRun) return report;
  return { ...report, settle: await settleAll(api, options.token, retry, stderr) };
}

const BULK_IN_FLIGHT = 2;

/** The API refuses a batch holding the same key twice; say so before sending anything. */
function checkUniqueKeys(file: string, data: ParsedFile): void {
  if (data.kind === "events") return; // events have no natural key
  // Packed batches hold a key in several batches by design, never twice in one (pack.ts).
  if (data.kind === "flows" && data.batches) return;
  const seen = new Set<string>();
  for (const row of data.rows) {
    const r = row as unknown as Record<string, string | undefined>;
    const key = [r.ticker ?? r.fund ?? r.asset, r.date, r.source].join("|");
    if (seen.has(key)) throw new Error(`${file}: ${data.kind} row ${key.replace(/\|+$/, "")} appears twice`);
    seen.add(key);
  }
}
