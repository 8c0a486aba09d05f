// Command-line arguments of `npm run import`, kept apart from runImport so other scripts can call
// the importer in-process without going through argv.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type ImportOptions, MAX_BATCH } from "./run.ts";

export const USAGE = `Usage: npm run import -- <file...> [--api URL] [--token T] [--dry-run] [--batch 5000] [--asset BTC] [--bulk]

Imports CSV files into the aumflow API: Farside's flow table, or long files of funds, prices,
flows, holdings or events (the kind is read from the header). Funds are written first, then
prices, holdings, events and flows, whatever the order of the files.

  --api URL     API base (default: $AUMFLOW_API or http://localhost:8787)
  --token T     bearer token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --dry-run     validate every batch on the API without storing anything
  --batch N     rows per request, 1 to ${MAX_BATCH} (default 5000)
  --asset SYM   asset of date,close_usd price files not named like btc-usd-*.csv
  --bulk        a large load with an admin token: funds in batches, the recompute deferred
                and settled once at the end in chunks (see README, Scale)`;

export type CliCommand = { help: true } | ({ help: false } & ImportOptions);

export class UsageError extends Error {}

export function parseImportArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): CliCommand {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new UsageError("no file to import");
  const batchSize = values.batch === undefined ? 5000 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new UsageError(`--batch must be a whole number from 1 to ${MAX_BATCH}`);
  }
  // An empty variable counts as unset, as shells and CI often export them blank.
  const token = values.token || env.AUMFLOW_TOKEN || readDevVarsToken(cwd);
  if (!token) {
    throw new UsageError(
      "no token: pass --token, set AUMFLOW_TOKEN, or run where .dev.vars has ADMIN_TOKEN=",
    );
  }
  return {
    help: false,
    files: positionals,
    api: values.api || env.AUMFLOW_API || "http://localhost:8787",
    token,
    dryRun: values["dry-run"] ?? false,
    batchSize,
    ...(values.asset && { asset: values.asset.toUpperCase() }),
    ...(values.bulk && { bulk: true }),
  };
}

function parseCliArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      api: { type: "string" },
      token: { type: "string" },
      "dry-run": { type: "boolean" },
      batch: { type: "string" },
      asset: { type: "string" },
      bulk: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** The local admin token that `npm start` writes to .dev.vars (dotenv syntax, optionally quoted). */
export function readDevVarsToken(cwd: string): string | undefined {
  const file = path.join(cwd, ".dev.vars");
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?ADMIN_TOKEN\s*=\s*(.*?)\s*$/.exec(line);
    if (match) return match[1]?.replace(/^(["'])(.*)\1$/, "$2") || undefined;
  }
  return undefined;
}
