// `npm run import -- <file...>`: the command-line face of runImport (scripts/import/run.ts).

import { parseImportArgs, USAGE } from "./import/args.ts";
import { type ImportReport, runImport, WRITE_ORDER } from "./import/run.ts";
import { isMain, runTool } from "./lib/cli.ts";

export { type ImportOptions, type ImportReport, runImport } from "./import/run.ts";

/** Totals per kind, aligned for reading; a dry run says what would have happened. */
export function formatTotals(report: ImportReport): string {
  const lines = [
    `${report.dryRun ? "dry run (nothing stored): " : ""}${report.rows} rows in ${report.batches} batches`,
  ];
  for (const kind of WRITE_ORDER) {
    const { inserted, restated, unchanged } = report.totals[kind];
    if (inserted + restated + unchanged === 0) continue;
    lines.push(`${kind.padEnd(9)} inserted ${inserted}  restated ${restated}  unchanged ${unchanged}`);
  }
  if (report.replay) lines.push(...formatReplay(report.replay));
  if (report.settle) {
    const seconds = (report.settle.ms / 1000).toFixed(1);
    lines.push(`recompute settled in ${seconds}s (${report.settle.calls} calls of /v1/admin/settle)`);
  }
  if (report.warnings.length > 0) lines.push(`${report.warnings.length} warning(s), printed above`);
  return lines.join("\n");
}

function formatReplay(replay: NonNullable<ImportReport["replay"]>): string[] {
  return [
    `replay   first capture (observed ${replay.firstObservedAt}): ${replay.firstCells} cells`,
    `         ${replay.logChanges} logged changes, ${replay.cellChanges} of them on fund cells: ` +
      `${replay.added} new figures, ${replay.restated} restated, ${replay.withdrawn} withdrawn, ` +
      `${replay.statusOnly} re-sent for their status, ${replay.dropped} pre-listing cells dropped`,
    `         in ${replay.batches} batches, each key at most once per batch`,
  ];
}

export function main(argv: readonly string[]): Promise<number> {
  return runTool(
    "import",
    USAGE,
    () => parseImportArgs(argv),
    async (command) => {
      process.stdout.write(`${formatTotals(await runImport(command))}\n`);
    },
  );
}

// Run only when executed, not when start.ts imports runImport from here.
if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
