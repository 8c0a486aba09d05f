// Command-line arguments of `npm run import`, kept apart from runImport so other scripts can call
// the importer in-process without going through argv.

import { MAX_ROWS_PER_BATCH } from "../../shared/schemas.ts";
import { parseCommandLine, resolveApi, tokenOf, UsageError } from "../lib/cli.ts";
import type { ImportOptions } from "./run.ts";

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
  --batch N     rows per request, 1 to ${MAX_ROWS_PER_BATCH} (default 5000)
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

export function parseImportArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): CliCommand {
  const { values, positionals } = parseCommandLine(argv, IMPORT_OPTIONS);
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new UsageError("no file to import");
  const batchSize = values.batch === undefined ? 5000 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ROWS_PER_BATCH) {
    throw new UsageError(`--batch must be a whole number from 1 to ${MAX_ROWS_PER_BATCH}`);
  }
  // An empty variable counts as unset, as shells and CI often export them blank.
  const token = tokenOf(values.token, env, cwd);
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

const IMPORT_OPTIONS = {
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
} as const;
