// Command-line arguments of `npm run import`, kept apart from runImport so other scripts can call
// the importer in-process without going through argv.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveApi } from "../lib/running.ts";
import { type ImportOptions, MAX_BATCH } from "./run.ts";

export const USAGE = `Usage: npm run import -- <file...> [--api URL] [--token T] [--dry-run] [--batch 5000]
                         [--asset BTC] [--bulk] [--replay LOG]

Imports CSV files into the aumflow API: Farside's flow tables (printed or captured notation), or long
files of funds, prices, flows, holdings or events (the kind is read from the header). Funds are
written first, then prices, holdings, events (Farside's Seed row among them) and flows, whatever the
order of the files. Farside columns need each fund's listing date: from the funds files given, else
from GET /v1/funds.

  --api URL     API base (default: $AUMFLOW_API, else the npm start running in this directory,
                on whatever port it took)
  --token T     bearer token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --dry-run     validate every batch on the API without storing anything
  --batch N     rows per request, 1 to ${MAX_BATCH} (default 5000)
  --asset SYM   asset of date,close_usd price files not named like btc-usd-*.csv; a price file
                named *-daily-close-<source>.csv (yahoo, coingecko) carries that source
  --bulk        a large load with an admin token: funds in batches, the recompute deferred
                and settled once at the end in chunks (see README, Scale)
  --replay LOG  with an admin token: replay Farside's revision log (farside-revision-log.csv) over
                the Farside tables given (the last capture), as the public saw them: the first
                capture, then every change at the time it was observed (observed_at); implies --bulk
  --first-capture TIME  when the replay's first capture was public (ISO timestamp; default:
                the log's earliest change)

Example: npm run import -- --replay data/market/farside-revision-log.csv \\
           data/market/farside-btc-etf-flows.csv data/market/farside-eth-etf-flows.csv \\
           data/market/farside-sol-etf-flows.csv`;

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
  const firstCapture = values["first-capture"];
  if (firstCapture !== undefined && Number.isNaN(Date.parse(firstCapture))) {
    throw new UsageError(`--first-capture must be an ISO timestamp such as 2025-11-16T02:09:04Z`);
  }
  return {
    help: false,
    files: positionals,
    // Last: a usage error is told before "nothing is running" (NoProductError, one sentence).
    api: resolveApi(values.api, env, cwd),
    token,
    dryRun: values["dry-run"] ?? false,
    batchSize,
    ...(values.asset && { asset: values.asset.toUpperCase() }),
    ...(values.bulk && { bulk: true }),
    ...(values.replay && { replay: values.replay }),
    ...(firstCapture && { firstCapture }),
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
      replay: { type: "string" },
      "first-capture": { type: "string" },
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
