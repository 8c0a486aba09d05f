// `npm run restore -- FILE`: a backup of `npm run backup` into an EMPTY database, through the admin API
// (POST /v1/admin/restore/begin, /batch, /finish), then the derived figures recomputed through
// POST /v1/admin/settle, so every read answers as it did where the backup was taken.
//
// Nothing is written before the whole file has been read and checked: both checksums of its header,
// its length, every line's shape and every table's row count. A corrupted or truncated file is refused
// with the database untouched. Then the rows go in numbered batches, each one transaction that the API
// stores exactly once; an interrupted restore says which batches are stored, and the same command
// resumes it where it stopped.
//
// The parts, in scripts/restore/: read.ts (one pass over a file), verify.ts (the check), batches.ts
// (which rows travel together), run.ts (runRestore), args.ts (the command line).

import { describeFailure } from "./backup/client.ts";
import { isMain, runTool } from "./lib/cli.ts";
import { parseRestoreArgs, USAGE } from "./restore/args.ts";
import { runRestore } from "./restore/run.ts";

export { parseRestoreArgs, USAGE } from "./restore/args.ts";
export { BATCH_BYTES, BATCH_ROWS } from "./restore/batches.ts";
export { BackupFileError } from "./restore/read.ts";
export { type RestoreOptions, type RestoreReport, RestoreStopped, runRestore } from "./restore/run.ts";
export { type Verified, verifyBackup } from "./restore/verify.ts";

export function main(argv: readonly string[]): Promise<number> {
  return runTool(
    "restore",
    USAGE,
    () => parseRestoreArgs(argv),
    async (command) => {
      const report = await runRestore(command);
      if (report.checkedOnly) {
        process.stdout.write(
          `restore: ${report.file} is whole (${report.batches} batches to send); nothing written\n`,
        );
      } else {
        process.stdout.write(
          `restore: ${report.file} restored into ${command.api}: data_version ${report.dataVersion}, ` +
            `${report.funds} funds recomputed (${report.settleCalls} settle calls)` +
            `${report.skipped > 0 ? `, ${report.skipped} batches found stored already` : ""}\n`,
        );
      }
    },
    describeFailure,
  );
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
