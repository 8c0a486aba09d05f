// Command-line arguments of `npm run backup`, kept apart from runBackup so other scripts and the
// tests can back up in-process without going through argv.

import { MAX_PAGE_ROWS } from "../../shared/backup.ts";
import { apiOrDefault, DEFAULT_API, parseCommandLine, tokenOf, UsageError } from "../lib/cli.ts";
import { type BackupOptions, PAGE_ROWS } from "./run.ts";

export const USAGE = `Usage: npm run backup -- FILE [--api URL] [--token T] [--page N]

Writes everything the ledger holds (every fact of every ledger table with all its columns, the revision
log, funds, assets, source ranks, ticker aliases, token hashes and meta) to FILE, gzipped when FILE ends
in .gz. Derived figures are not in it: a restore recomputes them.

  --api URL    API base (default: $AUMFLOW_API, else the npm start running here, else ${DEFAULT_API})
  --token T    an admin token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --page N     rows per page read, 1 to ${MAX_PAGE_ROWS} (default ${PAGE_ROWS})

Restore with: npm run restore -- FILE`;

export function parseBackupArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { help: true } | ({ help: false } & BackupOptions) {
  const { values, positionals } = parseCommandLine(argv, { allowPositionals: true, options: OPTIONS });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError("give one FILE to write");
  const pageRows = values.page === undefined ? PAGE_ROWS : Number(values.page);
  if (!Number.isInteger(pageRows) || pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
    throw new UsageError(`--page must be a whole number from 1 to ${MAX_PAGE_ROWS}`);
  }
  return {
    help: false,
    file: positionals[0] as string,
    api: apiOrDefault(values.api, env, cwd),
    token: tokenOf(values.token, env, cwd),
    pageRows,
  };
}

const OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
  page: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;
