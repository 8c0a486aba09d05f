// Ingest: flow rows per second accepted through POST /v1/flows on a fresh local Worker, with
// everything a provider's write goes through (auth, validation, Idempotency-Key, the atomic batch
// and the recompute before the answer), against the same rows bulk-inserted into bare SQLite. The
// same rows are then posted again with the recompute deferred (?recompute=defer, admin: a bulk
// load), on the same server under other tickers, against the same baseline: the two aims of the
// ingest issue are 0.05 of bare SQLite with the recompute and 0.1 without it.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readImportFile } from "../../shared/import/long.ts";
import { planImport } from "../../shared/import/plan.ts";
import type { FlowInput } from "../../shared/import/types.ts";
import { sendWithRetry } from "../import/http.ts";
import { runImport } from "../import/run.ts";
import { adminPost, type BenchServer } from "./server.ts";
import { bareSqliteInsert, type SqliteFigures } from "./sqlite-baseline.ts";
import type { Universe } from "./universe.ts";

/**
 * The order the flows are posted in: "date" as a provider's daily feed sends them (each batch appends
 * days to every fund), "fund" one fund's whole history after another (each batch rewrites histories).
 */
export type IngestOrder = "date" | "fund";

/** Each batch's round trip, to see whether the cost grows with the history already stored. */
export interface BatchTimes {
  first: number;
  median: number;
  last: number;
  max: number;
}

export interface IngestFigures {
  order: IngestOrder;
  rows: number;
  batches: number;
  batchSize: number;
  /** With the recompute before each answer, as a provider's write goes. */
  apiMs: number;
  apiRowsPerSecond: number;
  sqlite: SqliteFigures;
  /** The API's rate (recompute included) as a share of bare SQLite's. Aim: 0.05 or more. */
  ratio: number;
  batchMs: BatchTimes;
  /** The ledger write alone (Server-Timing "write": revisions, ledger rows, queue), against SQLite. */
  ledgerWriteRowsPerSecond: number;
  ledgerWriteRatio: number;
  /**
   * Server-Timing summed over the batches, in ms: write (the ledger write), recompute, and within
   * the recompute funds (prices, ledger, store: the rounds of fund recomputes) and sums.
   */
  server: Record<string, number>;
  /** The same rows again with ?recompute=defer, against the same bare SQLite figures. */
  deferred: DeferredFigures;
}

export interface DeferredFigures {
  apiMs: number;
  apiRowsPerSecond: number;
  /** The API's rate with the recompute deferred as a share of bare SQLite's. Aim: 0.1 or more. */
  ratio: number;
  batchMs: BatchTimes;
  /** Server-Timing summed over the batches (the write alone: nothing else runs before the answer). */
  server: Record<string, number>;
  /** The one settle after the deferred batches (POST /v1/admin/settle until nothing is left), in ms. */
  settleMs: number;
}

const QUIET = { write: () => true };
const RETRY = {
  fetch,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  random: Math.random,
};

function addServerTiming(spans: Record<string, number>, header: string | null): void {
  for (const part of (header ?? "").split(",")) {
    const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
    if (match?.[1]) spans[match[1]] = (spans[match[1]] ?? 0) + Number(match[2]);
  }
}

/**
 * `server` must be fresh (empty): funds, prices and marks go in untimed, then the flows are timed,
 * each batch recomputed before its answer. Then the same universe under other tickers (its reference
 * data untimed, settled) takes the same rows with the recompute deferred, and one settle after them.
 */
export async function benchIngest(
  universe: Universe,
  server: BenchServer,
  batchSize: number,
  order: IngestOrder,
): Promise<IngestFigures> {
  const flows = readFlows(universe.files.flows);
  const included = await postFlows(universe.files, flows, server, batchSize, order, "included");
  const copy = renamedCopy(universe);
  const deferred = await postFlows(copy, readFlows(copy.flows), server, batchSize, order, "deferred");
  const settleMs = await settleEverything(server);
  const sqlite = await bareSqliteInsert(flows);
  const rowsPerSecond = (ms: number) => Math.round((flows.length / ms) * 1000);
  const apiRowsPerSecond = rowsPerSecond(included.apiMs);
  const deferredRowsPerSecond = rowsPerSecond(deferred.apiMs);
  const writeMs = included.spans.write ?? 1;
  return {
    order,
    rows: flows.length,
    batches: included.batches,
    batchSize,
    apiMs: included.apiMs,
    apiRowsPerSecond,
    sqlite,
    ratio: apiRowsPerSecond / sqlite.rowsPerSecond,
    batchMs: batchTimes(included.batchMs),
    server: included.spans,
    ledgerWriteRowsPerSecond: rowsPerSecond(writeMs),
    ledgerWriteRatio: flows.length / (writeMs / 1000) / sqlite.rowsPerSecond,
    deferred: {
      apiMs: deferred.apiMs,
      apiRowsPerSecond: deferredRowsPerSecond,
      ratio: deferredRowsPerSecond / sqlite.rowsPerSecond,
      batchMs: batchTimes(deferred.batchMs),
      server: deferred.spans,
      settleMs,
    },
  };
}

type UniverseFiles = Universe["files"];

function readFlows(file: string): FlowInput[] {
  const flows = readImportFile(readFileSync(file, "utf8"), file);
  if (flows.kind !== "flows") throw new Error(`${file} holds no flows`);
  return flows.rows as FlowInput[];
}

/**
 * The universe's files with every ticker renamed (F0001 → G0001), beside the originals: the same
 * funds, marks, transfers and flows, for a second pass on a server that holds the first one.
 */
function renamedCopy(universe: Universe): UniverseFiles {
  const rename = (file: string) => {
    const copy = path.join(path.dirname(file), `renamed-${path.basename(file)}`);
    writeFileSync(copy, readFileSync(file, "utf8").replace(/\bF(\d{4})\b/g, "G$1"));
    return copy;
  };
  const { funds, prices, holdings, events, flows } = universe.files;
  return {
    funds: rename(funds),
    prices,
    holdings: rename(holdings),
    events: rename(events),
    flows: rename(flows),
  };
}

interface Pass {
  batches: number;
  apiMs: number;
  batchMs: number[];
  spans: Record<string, number>;
}

/** The reference data untimed, then the flows timed, batch after batch, as the importer sends them. */
async function postFlows(
  files: UniverseFiles,
  rows: FlowInput[],
  server: BenchServer,
  batchSize: number,
  order: IngestOrder,
  recompute: "included" | "deferred",
): Promise<Pass> {
  // The second pass's reference data goes in as a bulk load (one settle at the end): it is untimed.
  await runImport({
    files: [files.funds, files.prices, files.holdings, files.events],
    api: server.url,
    token: server.token,
    stderr: QUIET,
    bulk: recompute === "deferred",
  });
  // The universe's file holds one fund's history after another.
  const ordered =
    order === "fund"
      ? rows
      : [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.fund < b.fund ? -1 : 1));
  const query = recompute === "deferred" ? "?recompute=defer" : "";
  const data = { kind: "flows" as const, rows: ordered, warnings: [] };
  const steps = planImport([{ file: files.flows, data }], batchSize, query);
  const spans: Record<string, number> = {};
  const timedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    addServerTiming(spans, response.headers.get("server-timing"));
    return response;
  };
  const batchMs: number[] = [];
  const started = performance.now();
  for (const step of steps) {
    const sent = performance.now();
    const request = {
      method: "POST" as const,
      url: `${server.url}${step.path}`,
      token: server.token,
      body: step.body,
      idempotencyKey: `bench-${createHash("sha256").update(`${step.path}\n${step.body}`).digest("hex")}`,
    };
    await sendWithRetry(request, { ...RETRY, fetch: timedFetch });
    batchMs.push(performance.now() - sent);
  }
  return { batches: steps.length, apiMs: performance.now() - started, batchMs, spans };
}

/** POST /v1/admin/settle until nothing is queued (the importer's --bulk ends so). */
async function settleEverything(server: BenchServer): Promise<number> {
  const started = performance.now();
  for (let call = 0; call < 10_000; call++) {
    const { remaining } = await adminPost<{ remaining: number | null }>(
      server,
      "/v1/admin/settle?max_funds=1000",
    );
    if (remaining === 0) return performance.now() - started;
    if (remaining === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the deferred recompute did not settle in 10,000 calls");
}

function batchTimes(batchMs: readonly number[]): BatchTimes {
  const sorted = [...batchMs].sort((a, b) => a - b);
  return {
    first: batchMs[0] ?? 0,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    last: batchMs.at(-1) ?? 0,
    max: sorted.at(-1) ?? 0,
  };
}
