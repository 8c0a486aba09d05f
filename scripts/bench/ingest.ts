// Ingest: flow rows per second accepted through POST /v1/flows on a fresh local Worker, with
// everything a provider's write goes through (auth, validation, Idempotency-Key, the atomic batch
// and the recompute before the answer), against the same rows bulk-inserted into bare SQLite.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readImportFile } from "../../shared/import/long.ts";
import { planImport } from "../../shared/import/plan.ts";
import type { FlowInput } from "../../shared/import/types.ts";
import { sendWithRetry } from "../import/http.ts";
import { runImport } from "../import/run.ts";
import type { BenchServer } from "./server.ts";
import { bareSqliteInsert, type SqliteFigures } from "./sqlite-baseline.ts";
import type { Universe } from "./universe.ts";

/**
 * The order the flows are posted in: "date" as a provider's daily feed sends them (each batch appends
 * days to every fund), "fund" one fund's whole history after another (each batch rewrites histories).
 */
export type IngestOrder = "date" | "fund";

export interface IngestFigures {
  order: IngestOrder;
  rows: number;
  batches: number;
  batchSize: number;
  apiMs: number;
  apiRowsPerSecond: number;
  sqlite: SqliteFigures;
  /** The API's rate as a share of bare SQLite's. Aim: 0.3 or more. */
  ratio: number;
  /** Each batch's round trip, to see whether the cost grows with the history already stored. */
  batchMs: { first: number; median: number; last: number; max: number };
  /** The ledger write alone (Server-Timing "write": revisions, ledger rows, queue), against SQLite. */
  ledgerWriteRowsPerSecond: number;
  ledgerWriteRatio: number;
  /** Server-Timing summed over the batches: the ledger write and the recompute, in ms. */
  server: Record<string, number>;
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

/** `server` must be fresh (empty): funds, prices and marks go in untimed, then the flows are timed. */
export async function benchIngest(
  universe: Universe,
  server: BenchServer,
  batchSize: number,
  order: IngestOrder,
): Promise<IngestFigures> {
  const { files } = universe;
  const flows = readImportFile(readFileSync(files.flows, "utf8"), files.flows);
  if (flows.kind !== "flows") throw new Error("the universe's flows file holds no flows");
  await runImport({
    files: [files.funds, files.prices, files.holdings, files.events],
    api: server.url,
    token: server.token,
    stderr: QUIET,
  });
  // The universe's file holds one fund's history after another.
  const rows =
    order === "fund"
      ? flows.rows
      : [...flows.rows].sort((a, b) =>
          a.date < b.date ? -1 : a.date > b.date ? 1 : a.fund < b.fund ? -1 : 1,
        );
  const steps = planImport([{ file: files.flows, data: { ...flows, rows } }], batchSize);
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
      idempotencyKey: `bench-${createHash("sha256").update(step.body).digest("hex")}`,
    };
    await sendWithRetry(request, { ...RETRY, fetch: timedFetch });
    batchMs.push(performance.now() - sent);
  }
  const apiMs = performance.now() - started;
  const sqlite = await bareSqliteInsert(flows.rows as FlowInput[]);
  const apiRowsPerSecond = Math.round((flows.rows.length / apiMs) * 1000);
  const sorted = [...batchMs].sort((a, b) => a - b);
  return {
    order,
    rows: flows.rows.length,
    batches: steps.length,
    batchSize,
    apiMs,
    apiRowsPerSecond,
    sqlite,
    ratio: apiRowsPerSecond / sqlite.rowsPerSecond,
    batchMs: {
      first: batchMs[0] ?? 0,
      median: sorted[Math.floor(sorted.length / 2)] ?? 0,
      last: batchMs.at(-1) ?? 0,
      max: sorted.at(-1) ?? 0,
    },
    server: spans,
    ledgerWriteRowsPerSecond: Math.round(flows.rows.length / ((spans.write ?? 1) / 1000)),
    ledgerWriteRatio: flows.rows.length / ((spans.write ?? 1) / 1000) / sqlite.rowsPerSecond,
  };
}
