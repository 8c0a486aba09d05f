// `npm run backup -- FILE`: everything the ledger holds, into one versioned file, through the admin API
// (POST /v1/admin/backup and /v1/admin/backup/{table}), locally and against a deployment alike.
//
// The file (NDJSON, gzipped when FILE ends in .gz):
//   line 1   the header: {"format":"aumflow-backup","version":1,"created_at","api","data_version",
//            "migration","migrations","tables":[{"name","columns","rows"}],"bytes","content_sha256","sha256"}
//   then     per table, in restore order: {"table":name,"columns":[...]} and one JSON array per row,
//            the columns' values in that order, rows in primary-key order
// content_sha256 is the SHA-256 of every byte after the header line (as uncompressed), so
// `tail -n +2 FILE | sha256sum` shows it; sha256 is the SHA-256 of the header line up to its
// `,"sha256":` member: together they cover every byte, and `npm run restore` checks both, and every
// count, before it writes anything.
//
// Consistency: the pages are separate reads, so the backup compares the data_version and every count
// after the last page with the ones before the first; a write in between starts it again (up to three
// times), so the file is one state of the ledger.
//
// The parts, in scripts/backup/: client.ts (the admin API), header.ts (the header and its checksum),
// run.ts (runBackup), args.ts (the command line). restore.ts reads the same format.

import { parseBackupArgs, USAGE } from "./backup/args.ts";
import { describeFailure } from "./backup/client.ts";
import { runBackup } from "./backup/run.ts";
import { isMain, runTool } from "./lib/cli.ts";

export { parseBackupArgs, USAGE } from "./backup/args.ts";
export { type Client, describeFailure, post } from "./backup/client.ts";
export { type Header, headerLine, sha256Hex, splitHeader } from "./backup/header.ts";
export { type BackupOptions, type BackupReport, PAGE_ROWS, runBackup } from "./backup/run.ts";

export function main(argv: readonly string[]): Promise<number> {
  return runTool(
    "backup",
    USAGE,
    () => parseBackupArgs(argv),
    async (command) => {
      const report = await runBackup(command);
      const { header } = report;
      const rows = header.tables.map((table) => `${table.name} ${table.rows}`).join(", ");
      process.stdout.write(
        `backup: ${report.file} (${report.fileBytes} bytes), data_version ${header.data_version}, migration ${header.migration}\n` +
          `        ${rows}\n        content sha256 ${header.content_sha256}\n`,
      );
    },
    describeFailure,
  );
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
