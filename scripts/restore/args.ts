// Command-line arguments of `npm run restore`, kept apart from runRestore so the tests can restore
// in-process without going through argv.

import { apiOrDefault, DEFAULT_API, parseCommandLine, tokenOf, UsageError } from "../lib/cli.ts";
import type { RestoreOptions } from "./run.ts";

export const USAGE = `Usage: npm run restore -- FILE [--api URL] [--token T] [--check]

Restores a backup written by npm run backup into an EMPTY database (refusing any other), then
recomputes every derived figure. The whole file is checked first (checksums, length, counts): a
corrupted or truncated file is refused with nothing written. An interrupted restore resumes where it
stopped when the same command is run again.

  --api URL    API base (default: $AUMFLOW_API, else the npm start running here, else ${DEFAULT_API})
  --token T    an admin token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --check      only read and check FILE; write nothing`;

export function parseRestoreArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { help: true } | ({ help: false } & RestoreOptions) {
  const { values, positionals } = parseCommandLine(argv, { allowPositionals: true, options: OPTIONS });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError("give one FILE to restore");
  const check = values.check ?? false;
  return {
    help: false,
    file: positionals[0] as string,
    api: apiOrDefault(values.api, env, cwd),
    // Checking a file needs no API, and so no token.
    token: check ? (values.token ?? "") : tokenOf(values.token, env, cwd),
    check,
  };
}

const OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;
