// How the computing and writing stages report: the engine alone, ingest through the API, the bulk
// backfill and a restatement, each figure beside its baseline, and the aims judged on them.
import type { BackfillFigures } from "./backfill.ts";
import type { EngineFigures } from "./engine.ts";
import type { IngestFigures } from "./ingest.ts";
import type { RestatementFigures } from "./restatement.ts";
import { count, figures, ms, type Row, ratio, type StageReport } from "./stage-report.ts";

export const engineReport: StageReport<EngineFigures> = {
  aims: (engine, result) => [
    {
      name: "engine full roll",
      aim: "> 1,000,000 fund-days/s",
      value: `${count(engine.fundDaysPerSecond)} fund-days/s`,
      met: engine.fundDaysPerSecond > 1_000_000,
    },
    {
      name: "engine one-fund recompute",
      aim: "< 1% of the full roll (1,000 funds)",
      value: `${(engine.recomputeRatio * 100).toFixed(3)}%`,
      met: result.mode === "full" ? engine.recomputeRatio < 0.01 : null,
    },
  ],
  rows: (engine) => [
    [
      `engine full roll (${engine.funds} funds × ${engine.years} y)`,
      `${count(engine.fundDaysPerSecond)} fund-days/s`,
      `${ms(engine.fullRollMs)} for ${count(engine.fundDays)}`,
      "",
    ],
    [
      "engine one fund from mid-history",
      ms(engine.recomputeOneFundMs),
      "full roll",
      ratio(engine.recomputeRatio),
    ],
  ],
};

export const ingestReport: StageReport<IngestFigures[]> = {
  aims: (runs) =>
    runs.flatMap((ingest) => [
      {
        name: `ingest, recompute deferred, vs bare SQLite (${ingest.order} order)`,
        aim: ">= 0.1",
        value: ratio(ingest.deferred.ratio),
        met: ingest.deferred.ratio >= 0.1,
      },
      {
        name: `ingest with the recompute vs bare SQLite (${ingest.order} order)`,
        aim: ">= 0.05",
        value: ratio(ingest.ratio),
        met: ingest.ratio >= 0.05,
      },
    ]),
  rows: (runs) =>
    runs.flatMap((ingest): Row[] => [
      [
        `ingest POST /v1/flows in ${ingest.order} order (${count(ingest.rows)} rows, ${ingest.batches}×${count(ingest.batchSize)})`,
        `${count(ingest.apiRowsPerSecond)} rows/s`,
        `bare SQLite ${count(ingest.sqlite.rowsPerSecond)} rows/s`,
        ratio(ingest.ratio),
      ],
      [
        "  server: ledger write / recompute",
        `${ms(ingest.server.write ?? 0)} / ${ms(ingest.server.recompute ?? 0)}`,
        `batch median ${ms(ingest.batchMs.median)}, max ${ms(ingest.batchMs.max)}`,
        "",
      ],
      [
        "  server: store / funds / sums",
        `${ms(ingest.server.store ?? 0)} / ${ms(ingest.server.funds ?? 0)} / ${ms(ingest.server.sums ?? 0)}`,
        "",
        "",
      ],
      [
        "  ledger write alone",
        `${count(ingest.ledgerWriteRowsPerSecond)} rows/s`,
        "bare SQLite",
        ratio(ingest.ledgerWriteRatio),
      ],
      [
        `  POST /v1/flows?recompute=defer, ${ingest.order} order`,
        `${count(ingest.deferred.apiRowsPerSecond)} rows/s`,
        `bare SQLite ${count(ingest.sqlite.rowsPerSecond)} rows/s`,
        ratio(ingest.deferred.ratio),
      ],
      [
        "  deferred: write / settle after",
        `${ms(ingest.deferred.server.write ?? 0)} / ${ms(ingest.deferred.settleMs)}`,
        `batch median ${ms(ingest.deferred.batchMs.median)}, max ${ms(ingest.deferred.batchMs.max)}`,
        "",
      ],
    ]),
};

export const backfillReport: StageReport<BackfillFigures> = {
  aims: (backfill, result) => {
    const full = result.mode === "full";
    // End to end is loaded, recomputed and published: the site build is part of it when it ran.
    const built = figures(result.site);
    const siteMs = built && "seconds" in built ? built.seconds * 1000 : null;
    const wallMs = backfill.wallMs + (siteMs ?? 0);
    return [
      {
        name: `backfill ${full ? "" : "(quick universe) "}end to end${siteMs === null ? " (no site)" : " with site"}`,
        aim: full ? "< 60 s" : "< 60 s (full size only)",
        value: ms(wallMs),
        met: full ? wallMs < 60_000 : null,
      },
    ];
  },
  rows: (backfill) => {
    const server = backfill.server;
    return [
      [
        `backfill (${count(backfill.rows)} rows, bulk import)`,
        `${ms(backfill.wallMs)}, ${count(backfill.rowsPerSecond)} rows/s`,
        "",
        "",
      ],
      [
        "  writes / settle (client)",
        `${ms(backfill.writeMs)} / ${ms(backfill.settleMs)}`,
        `${backfill.settleCalls} settle calls`,
        "",
      ],
      [
        "  server: ledger write / funds / sums",
        [server.write, server.funds, server.sums].map((value) => ms(value ?? 0)).join(" / "),
        `request overhead ${ms(backfill.requestOverheadMs)}`,
        "",
      ],
    ];
  },
};

export const restatementReport: StageReport<RestatementFigures> = {
  aims: (restatement, result) => [
    {
      name: "restatement latency",
      aim: "< 200 ms",
      value: ms(restatement.medianMs),
      met: restatement.medianMs < 200,
    },
    {
      name: "restatement vs full recompute",
      aim: "< 1% (1,000 funds)",
      value: `${(restatement.ratio * 100).toFixed(2)}%`,
      met: result.mode === "full" ? restatement.ratio < 0.01 : null,
    },
  ],
  rows: (restatement) => [
    [
      "restatement, write to read (median)",
      `${ms(restatement.medianMs)} (max ${ms(restatement.maxMs)})`,
      `full recompute ${ms(restatement.fullRecomputeMs)}`,
      ratio(restatement.ratio),
    ],
    ["  incremental equals full recompute", restatement.matchesFullRecompute ? "yes" : "NO", "", ""],
  ],
};
