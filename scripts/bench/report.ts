// The bench's result: one JSON document (bench/results/latest.json) and the table printed from it.
import os from "node:os";
import type { BackfillFigures } from "./backfill.ts";
import type { EngineFigures } from "./engine.ts";
import type { IngestFigures } from "./ingest.ts";
import type { ReadFigures } from "./reads.ts";
import type { RestatementFigures } from "./restatement.ts";
import type { SiteOutcome } from "./site.ts";
import type { SoakFigures } from "./soak.ts";
import type { Universe } from "./universe.ts";

/** A stage that failed keeps its error instead of figures, so one failure never hides the rest. */
export type Stage<T> = T | { error: string } | { skipped: string };

export interface Aim {
  name: string;
  aim: string;
  value: string;
  met: boolean | null;
}

export interface BenchResult {
  mode: "quick" | "full";
  startedAt: string;
  seconds: number;
  machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    node: string;
    platform: string;
    /** 1-minute load average before and after: other work on the machine shows here. */
    loadAverage: { start: number; end: number };
  };
  universe: Pick<Universe, "funds" | "years" | "rows" | "firstDay" | "lastDay"> | null;
  engine: Stage<EngineFigures>;
  ingest: Stage<IngestFigures[]>;
  backfill: Stage<BackfillFigures>;
  restatement: Stage<RestatementFigures>;
  reads: Stage<ReadFigures>;
  site: Stage<SiteOutcome>;
  soak: Stage<SoakFigures>;
  aims: Aim[];
}

export function machine(): BenchResult["machine"] {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: { start: os.loadavg()[0] ?? 0, end: 0 },
  };
}

export function figures<T extends object>(stage: Stage<T> | undefined): T | null {
  if (!stage || "error" in stage || "skipped" in stage) return null;
  return stage as T;
}

const count = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const ratio = (value: number) => value.toFixed(value < 0.01 ? 4 : 2);

/** Aims stated for the full universe (1,000 funds, 10 years) are only judged on a full run. */
export function aimsOf(result: BenchResult): Aim[] {
  const aims: Aim[] = [];
  const full = result.mode === "full";
  const engine = figures(result.engine);
  if (engine) {
    aims.push({
      name: "engine full roll",
      aim: "> 1,000,000 fund-days/s",
      value: `${count(engine.fundDaysPerSecond)} fund-days/s`,
      met: engine.fundDaysPerSecond > 1_000_000,
    });
    aims.push({
      name: "engine one-fund recompute",
      aim: "< 1% of the full roll (1,000 funds)",
      value: `${(engine.recomputeRatio * 100).toFixed(3)}%`,
      met: full ? engine.recomputeRatio < 0.01 : null,
    });
  }
  for (const ingest of figures(result.ingest) ?? []) {
    aims.push({
      name: `ingest vs bare SQLite (${ingest.order} order)`,
      aim: ">= 0.3",
      value: ratio(ingest.ratio),
      met: ingest.ratio >= 0.3,
    });
  }
  const backfill = figures(result.backfill);
  if (backfill) {
    // End to end is loaded, recomputed and published: the site build is part of it when it ran.
    const built = figures(result.site);
    const siteMs = built && "seconds" in built ? built.seconds * 1000 : null;
    const wallMs = backfill.wallMs + (siteMs ?? 0);
    aims.push({
      name: `backfill ${full ? "" : "(quick universe) "}end to end${siteMs === null ? " (no site)" : " with site"}`,
      aim: full ? "< 60 s" : "< 60 s (full size only)",
      value: ms(wallMs),
      met: full ? wallMs < 60_000 : null,
    });
  }
  const restatement = figures(result.restatement);
  if (restatement) {
    aims.push({
      name: "restatement latency",
      aim: "< 200 ms",
      value: ms(restatement.medianMs),
      met: restatement.medianMs < 200,
    });
    aims.push({
      name: "restatement vs full recompute",
      aim: "< 1% (1,000 funds)",
      value: `${(restatement.ratio * 100).toFixed(2)}%`,
      met: full ? restatement.ratio < 0.01 : null,
    });
  }
  const reads = figures(result.reads);
  if (reads) {
    for (const read of reads.reads) {
      aims.push({
        name: `read ${read.name} vs health`,
        aim: ">= 0.8",
        value: ratio(read.ratio),
        met: read.ratio >= 0.8,
      });
    }
    aims.push({
      name: "ETag revalidation",
      aim: "304",
      value: String(reads.etag.revalidatedStatus),
      met: reads.etag.revalidatedStatus === 304,
    });
  }
  const soak = figures(result.soak);
  if (soak) {
    aims.push({
      name: "soak: failed answers",
      aim: "0",
      value: String(soak.errors),
      met: soak.errors === 0,
    });
    aims.push({
      name: "soak: Worker restarts by rebuilds",
      aim: "0",
      value: String(soak.workerReloads),
      met: soak.workerReloads === 0,
    });
  }
  const site = figures(result.site);
  if (site && "ratio" in site) {
    aims.push({
      name: "site pages/s vs minimal Astro",
      aim: ">= 0.5",
      value: ratio(site.ratio),
      met: site.ratio >= 0.5,
    });
    // The aims are for the full universe; the quick one's figures only show the path works.
    aims.push({
      name: "site: full build",
      aim: "< 20 s",
      value: `${site.seconds.toFixed(1)} s`,
      met: site.seconds < 20,
    });
    aims.push({
      name: "site: one restated flow, write to site",
      aim: "<= 15 s",
      value: `${site.incremental.restatement.totalSeconds.toFixed(1)} s`,
      met: site.incremental.restatement.totalSeconds <= 15,
    });
  }
  return aims;
}

function stageLine(name: string, stage: Stage<object> | undefined): string[] {
  if (!stage) return [];
  if ("error" in stage) return [`${name}: FAILED: ${stage.error}`];
  if ("skipped" in stage) return [`${name}: skipped (${stage.skipped})`];
  return [];
}

/** The printed table: every figure with its baseline and ratio, then the aims. */
export function formatResult(result: BenchResult): string {
  const { machine: m } = result;
  const lines = [
    `aumflow bench (${result.mode}) on ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}`,
    `load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end` +
      (m.loadAverage.start > 1 || m.loadAverage.end > 1 ? " (other work on the machine: expect noise)" : ""),
    "",
  ];
  const rows: [string, string, string, string][] = [["measure", "figure", "baseline", "ratio"]];
  const engine = figures(result.engine);
  if (engine) {
    rows.push([
      `engine full roll (${engine.funds} funds × ${engine.years} y)`,
      `${count(engine.fundDaysPerSecond)} fund-days/s`,
      `${ms(engine.fullRollMs)} for ${count(engine.fundDays)}`,
      "",
    ]);
    rows.push([
      "engine one fund from mid-history",
      ms(engine.recomputeOneFundMs),
      "full roll",
      ratio(engine.recomputeRatio),
    ]);
  }
  for (const ingest of figures(result.ingest) ?? []) {
    rows.push([
      `ingest POST /v1/flows in ${ingest.order} order (${count(ingest.rows)} rows, ${ingest.batches}×${count(ingest.batchSize)})`,
      `${count(ingest.apiRowsPerSecond)} rows/s`,
      `bare SQLite ${count(ingest.sqlite.rowsPerSecond)} rows/s`,
      ratio(ingest.ratio),
    ]);
    rows.push([
      "  server: ledger write / recompute",
      `${ms(ingest.server.write ?? 0)} / ${ms(ingest.server.recompute ?? 0)}`,
      `batch median ${ms(ingest.batchMs.median)}, max ${ms(ingest.batchMs.max)}`,
      "",
    ]);
    rows.push([
      "  ledger write alone",
      `${count(ingest.ledgerWriteRowsPerSecond)} rows/s`,
      "bare SQLite",
      ratio(ingest.ledgerWriteRatio),
    ]);
  }
  const backfill = figures(result.backfill);
  if (backfill) {
    rows.push([
      `backfill (${count(backfill.rows)} rows, bulk import)`,
      `${ms(backfill.wallMs)}, ${count(backfill.rowsPerSecond)} rows/s`,
      "",
      "",
    ]);
    rows.push([
      "  writes / settle (client)",
      `${ms(backfill.writeMs)} / ${ms(backfill.settleMs)}`,
      `${backfill.settleCalls} settle calls`,
      "",
    ]);
    const server = backfill.server;
    rows.push([
      "  server: ledger write / funds / sums",
      [server.write, server.funds, server.sums].map((value) => ms(value ?? 0)).join(" / "),
      `request overhead ${ms(backfill.requestOverheadMs)}`,
      "",
    ]);
  }
  const restatement = figures(result.restatement);
  if (restatement) {
    rows.push([
      "restatement, write to read (median)",
      `${ms(restatement.medianMs)} (max ${ms(restatement.maxMs)})`,
      `full recompute ${ms(restatement.fullRecomputeMs)}`,
      ratio(restatement.ratio),
    ]);
    rows.push([
      "  incremental equals full recompute",
      restatement.matchesFullRecompute ? "yes" : "NO",
      "",
      "",
    ]);
  }
  const reads = figures(result.reads);
  if (reads) {
    const health = reads.health;
    const rate = health.reduce((sum, h) => sum + h.requestsPerSecond, 0) / health.length;
    rows.push([
      `GET /v1/health (${reads.connections} conns, ${reads.seconds} s)`,
      `${count(rate)} req/s`,
      `p50 ${ms(health[0]?.p50Ms ?? 0)} p99 ${ms(health[0]?.p99Ms ?? 0)}`,
      "1.00",
    ]);
    for (const read of reads.reads) {
      rows.push([
        `GET ${read.name}`,
        `${count(read.requestsPerSecond)} req/s${read.errors ? ` (${read.errors} errors)` : ""}`,
        `p50 ${ms(read.p50Ms)} p99 ${ms(read.p99Ms)}, ${count(read.bodyBytes ?? 0)} B (${count(read.bytesPerAnswer)} B sent)`,
        ratio(read.ratio),
      ]);
    }
    rows.push([`ETag → If-None-Match ${reads.etag.path}`, String(reads.etag.revalidatedStatus), "", ""]);
  }
  const site = figures(result.site);
  if (site && "ratio" in site) {
    rows.push([
      `site build (${count(site.pages)} pages)`,
      `${site.pagesPerSecond.toFixed(1)} pages/s`,
      `minimal Astro ${site.baselinePagesPerSecond.toFixed(1)} pages/s`,
      ratio(site.ratio),
    ]);
    rows.push([
      `  largest page ${site.largestPage.path}`,
      `${count(site.largestPage.bytes)} B`,
      `gzip ${count(site.largestPage.gzipBytes)} B, brotli ${count(site.largestPage.brotliBytes)} B`,
      "",
    ]);
    const { unchanged, restatement } = site.incremental;
    const units = (build: typeof unchanged) =>
      `${count(build.rendered)} fund pages/files rendered, ${count(build.kept)} kept, ${count(build.changed)} files changed`;
    rows.push([
      "  site again, nothing changed",
      `${unchanged.seconds.toFixed(1)} s`,
      units(unchanged),
      `${((unchanged.seconds / site.seconds) * 100).toFixed(0)}% of full`,
    ]);
    rows.push([
      "  site after one restated flow",
      `${restatement.totalSeconds.toFixed(1)} s write to site`,
      `write ${restatement.writeSeconds.toFixed(1)} s, build ${restatement.seconds.toFixed(1)} s; ${units(restatement)}`,
      `${((restatement.seconds / site.seconds) * 100).toFixed(0)}% of full`,
    ]);
  }
  const soak = figures(result.soak);
  if (soak) {
    const load = `load ${soak.loadAverage.start.toFixed(2)}→${soak.loadAverage.end.toFixed(2)}`;
    rows.push([
      `soak (${soak.seconds.toFixed(0)} s, demo data, site rebuilding)`,
      `${count(soak.errors)} failed answers`,
      `${soak.siteBuilds} site builds, ${soak.workerReloads} Worker restarts, ${soak.serverRestarts} server restarts`,
      load,
    ]);
    const kinds: [string, { count: number; errors: number; p50Ms: number; p99Ms: number }][] = [
      [`writes (1 row, ${soak.writesPerSecond}/s)`, soak.writes],
      [
        `batches (${count(soak.batches.count ? soak.batches.rows / soak.batches.count : 0)} rows)`,
        soak.batches,
      ],
      ["reads (API and site pages)", soak.reads],
    ];
    for (const [name, kind] of kinds) {
      rows.push([
        `  ${name}`,
        `${count(kind.count)}${kind.errors ? ` (${kind.errors} failed)` : ""}`,
        `p50 ${ms(kind.p50Ms)} p99 ${ms(kind.p99Ms)}`,
        "",
      ]);
    }
    for (const role of soak.memory) {
      const many = role.processes > 1 ? ` (${role.processes} processes)` : "";
      rows.push([
        `  RSS ${role.role}${many}`,
        `peak ${count(role.peakMb)} MB`,
        `end ${count(role.endMb)} MB`,
        "",
      ]);
    }
    for (const [what, times] of Object.entries(soak.failures))
      rows.push([`  failed: ${what}`, String(times), "", ""]);
  }
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  lines.push("");
  for (const [name, stage] of Object.entries({
    engine: result.engine,
    ingest: result.ingest,
    backfill: result.backfill,
    restatement: result.restatement,
    reads: result.reads,
    site: result.site,
    soak: result.soak,
  })) {
    lines.push(...stageLine(name, stage as Stage<object>));
  }
  lines.push("aims:");
  for (const aim of result.aims) {
    const mark = aim.met === null ? "n/a " : aim.met ? "met " : "MISS";
    lines.push(`  ${mark} ${aim.name.padEnd(36)} ${aim.value.padStart(22)}   aim ${aim.aim}`);
  }
  lines.push(`total ${result.seconds.toFixed(0)} s`);
  return lines.join("\n");
}
