// Backfill: the synthetic universe loaded from empty through the importer's bulk mode (funds in
// batches, recompute deferred, then settled in chunks), with the Worker's own account of where the
// time went (Server-Timing on every write and settle answer).
import { runImport } from "../import/run.ts";
import type { BenchServer } from "./server.ts";
import type { Universe } from "./universe.ts";

export interface BackfillFigures {
  rows: number;
  batches: number;
  wallMs: number;
  rowsPerSecond: number;
  /** Client-side split: sending the writes, then the settle calls. */
  writeMs: number;
  settleMs: number;
  settleCalls: number;
  /** Server-side split (Server-Timing), summed over every request, in ms. */
  server: Record<string, number>;
  /** What the writes cost beyond the ledger write itself: HTTP, auth, idempotency, validation. */
  requestOverheadMs: number;
  fundDays: number;
}

/** A fetch that adds up the Server-Timing spans of every answer. */
function timingFetch(spans: Record<string, number>): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    for (const part of (response.headers.get("server-timing") ?? "").split(",")) {
      const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
      if (match?.[1]) spans[match[1]] = (spans[match[1]] ?? 0) + Number(match[2]);
    }
    return response;
  };
}

export async function benchBackfill(
  universe: Universe,
  server: BenchServer,
  log: (line: string) => void = () => {},
): Promise<BackfillFigures> {
  const { files } = universe;
  const server_: Record<string, number> = {};
  const started = performance.now();
  const report = await runImport({
    files: [files.funds, files.prices, files.holdings, files.events, files.flows],
    api: server.url,
    token: server.token,
    bulk: true,
    batchSize: 10_000,
    fetch: timingFetch(server_),
    stderr: {
      write: (chunk: string) => {
        log(chunk.trimEnd());
        if (chunk.includes("retrying")) log(`wrangler said:\n${server.recentLog().slice(-3000)}`);
        return true;
      },
    },
  });
  const wallMs = performance.now() - started;
  const health = await fetch(`${server.url}/v1/funds?format=json`);
  await health.text();
  return {
    rows: report.rows,
    batches: report.batches,
    wallMs,
    rowsPerSecond: Math.round((report.rows / wallMs) * 1000),
    writeMs: report.writeMs,
    settleMs: report.settle?.ms ?? 0,
    settleCalls: report.settle?.calls ?? 0,
    server: server_,
    requestOverheadMs: report.writeMs - (server_.write ?? 0),
    fundDays: 0,
  };
}
