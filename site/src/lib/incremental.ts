// The fingerprints of the build units (build-units.ts): everything a fund's page or a fund's open data
// files are made from. An input left out here would keep a page that should change; the test that
// an incremental build equals a full one (test/node/site-incremental.test.ts) is what guards it.
import { createHash } from "node:crypto";
import type { FundSummary } from "../../../shared/export.ts";
import { fundNotes } from "./events.ts";
import { flowsHref } from "./flowdata.ts";
import type { CachedHistory } from "./history-cache.ts";
import { issuerSlug, type Model } from "./model.ts";

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

const assetSeries = new WeakMap<Model, Map<string, string>>();

/** The asset's AUM day by day, which a fund page's share chart divides by. */
function assetFingerprint(model: Model, symbol: string): string {
  let byAsset = assetSeries.get(model);
  if (!byAsset) {
    byAsset = new Map();
    assetSeries.set(model, byAsset);
  }
  let found = byAsset.get(symbol);
  if (found === undefined) {
    found = hash(model.groupRows("asset", symbol, "day").map((row) => [row.start, row.aum_usd]));
    byAsset.set(symbol, found);
  }
  return found;
}

/** What the fund's daily rows are: their checksum when the cache knows it, else the whole text's. */
function historyFingerprint(model: Model, ticker: string): string {
  const history = model.fundHistory(ticker) as Partial<CachedHistory>;
  return (
    history.sums?.json.sha256 ?? createHash("sha256").update(model.fundHistory(ticker).json).digest("hex")
  );
}

/**
 * Everything a fund's page shows: its metadata and latest figures, its rows, its asset's AUM (the
 * share chart), its revisions, filings, corporate actions and notes, the flow table it links to, the
 * issuer page it links to, the report date of the footer.
 */
export function fundPageFingerprint(model: Model, fund: FundSummary): string {
  const subjectIs = (row: { subject?: string | null; new_value?: unknown }) =>
    row.subject === fund.ticker || (row.new_value as { to_fund?: unknown } | null)?.to_fund === fund.ticker;
  return hash([
    fund,
    historyFingerprint(model, fund.ticker),
    model.asset(fund.asset) ?? null,
    assetFingerprint(model, fund.asset),
    model.revisionsOfFund(fund.ticker),
    model.data.holdings.filter(subjectIs),
    model.data.events.filter(subjectIs),
    fundNotes(model, fund.ticker),
    flowsHref(model, fund.asset, model.reportDate?.slice(0, 4)),
    fund.issuer === null ? null : issuerSlug(fund.issuer),
    model.reportDate,
  ]);
}

/** A fund's open data files are its rows as the API wrote them, and nothing else. */
export function fundFilesFingerprint(model: Model, ticker: string): string {
  return historyFingerprint(model, ticker);
}
