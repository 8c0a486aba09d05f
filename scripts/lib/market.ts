// The published record the product runs on (data/market, provenance in its README), loaded as
// `npm start` loads it: the funds, both price sources of each asset, the holdings marks from filings,
// the corporate actions, then Farside's three tables replayed capture by capture from its revision log,
// so that as_of any moment since 16 Nov 2025 shows the tables as the public saw them then.
import { join } from "node:path";
import type { OutputStream } from "../import/progress.ts";
import { type ImportReport, runImport } from "../import/run.ts";
import { FIRST_CAPTURE, PRICE_SOURCE_RANKING } from "./market-facts.ts";

export const MARKET_DIR = "data/market";

const ASSETS = ["btc", "eth", "sol"] as const;

export const MARKET_FILES = [
  "funds.csv",
  ...ASSETS.flatMap((asset) => [
    `${asset}-usd-daily-close-yahoo.csv`,
    `${asset}-usd-daily-close-coingecko.csv`,
  ]),
  "holdings.csv",
  "events.csv",
  ...ASSETS.map((asset) => `farside-${asset}-etf-flows.csv`),
].map((file) => join(MARKET_DIR, file));

export const REVISION_LOG = join(MARKET_DIR, "farside-revision-log.csv");

export interface MarketLoad {
  api: string;
  token: string;
  stderr?: OutputStream;
  dryRun?: boolean;
}

export async function loadMarket(load: MarketLoad): Promise<ImportReport> {
  if (!load.dryRun) {
    for (const asset of ASSETS) await rankPriceSources(load, asset.toUpperCase());
  }
  return runImport({
    files: MARKET_FILES,
    api: load.api,
    token: load.token,
    replay: REVISION_LOG,
    firstCapture: FIRST_CAPTURE,
    ...(load.stderr && { stderr: load.stderr }),
    ...(load.dryRun && { dryRun: true }),
  });
}

async function rankPriceSources(load: MarketLoad, asset: string): Promise<void> {
  const response = await fetch(`${load.api}/v1/sources/${asset}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${load.token}`, "content-type": "application/json" },
    body: JSON.stringify({ sources: PRICE_SOURCE_RANKING }),
  });
  if (!response.ok) {
    throw new Error(`ranking ${asset}'s price sources: HTTP ${response.status} ${await response.text()}`);
  }
}
