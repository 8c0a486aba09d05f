// The bench's result: one JSON document (bench/results/latest.json) and the table printed from it.
import os from "node:os";
import { type Aim, figures, type Row, type Stage, type StageReport } from "./stage-report.ts";
import { STAGE_NAMES, STAGES, type StageFigures, type StageName } from "./stages.ts";
import type { Universe } from "./universe.ts";

export type { Aim, Stage } from "./stage-report.ts";

/** Each stage's figures, or why there are none. */
export type StageResults = { [Name in StageName]: Stage<StageFigures[Name]> };

export type BenchResult = {
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
} & StageResults & { aims: Aim[] };

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

/** Every stage before it runs: skipped, saying why when a quick run leaves it out. */
export function notRun(quick: boolean): StageResults {
  const entries = STAGE_NAMES.map((name) => [
    name,
    { skipped: quick && !STAGES[name].inQuick ? `not in --quick unless --only ${name}` : "not selected" },
  ]);
  return Object.fromEntries(entries) as StageResults;
}

/** What each stage with figures reports, in the table's order. */
function reported<Out>(
  result: BenchResult,
  take: (report: StageReport<unknown>, found: unknown) => Out[],
): Out[] {
  return STAGE_NAMES.flatMap((name) => {
    const found = figures(result[name] as Stage<object>);
    // A stage's descriptor reads the figures stored under its own name.
    return found === null ? [] : take(STAGES[name] as StageReport<unknown>, found);
  });
}

export function aimsOf(result: BenchResult): Aim[] {
  return reported(result, (report, found) => report.aims(found, result));
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
  const rows: Row[] = [
    ["measure", "figure", "baseline", "ratio"],
    ...reported(result, (report, found) => report.rows(found)),
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  lines.push("");
  for (const name of STAGE_NAMES) lines.push(...stageLine(name, result[name] as Stage<object>));
  lines.push("aims:");
  for (const aim of result.aims) {
    const mark = aim.met === null ? "n/a " : aim.met ? "met " : "MISS";
    lines.push(`  ${mark} ${aim.name.padEnd(36)} ${aim.value.padStart(22)}   aim ${aim.aim}`);
  }
  lines.push(`total ${result.seconds.toFixed(0)} s`);
  return lines.join("\n");
}
