// What the importer must know about funds before it can read a Farside table: each fund's listing
// date, which dates its seed and tells a pre-listing cell from a flow. It comes from the API's funds
// and the import's own funds files, which are written first and so win.

import type { FarsideTable } from "./farside-table.ts";

/** Listing date by ticker; a former ticker maps to its fund's date. */
export type ListingDates = ReadonlyMap<string, string>;

export interface ListedFund {
  ticker: string;
  listed_on: string;
}

export interface TickerChange {
  fund: string;
  new_ticker: string;
}

export function listingDates(
  apiFunds: readonly ListedFund[],
  fileFunds: readonly ListedFund[],
  tickerChanges: readonly TickerChange[] = [],
): Map<string, string> {
  const dates = new Map<string, string>();
  for (const fund of [...apiFunds, ...fileFunds]) dates.set(fund.ticker, fund.listed_on);
  // A column still named by a former ticker (CETH in older captures) is the renamed fund: the API
  // takes the former ticker as an alias once the ticker_change is stored, so it may be sent as is.
  for (const change of tickerChanges) {
    const listed = dates.get(change.new_ticker);
    if (listed !== undefined && !dates.has(change.fund)) dates.set(change.fund, listed);
  }
  return dates;
}

/** The fund columns no listing date is known for, each once, in the tables' order. */
export function unknownFunds(tables: readonly FarsideTable[], listedOn: ListingDates): string[] {
  const unknown = new Set<string>();
  for (const table of tables)
    for (const ticker of table.tickers) if (!listedOn.has(ticker)) unknown.add(ticker);
  return [...unknown];
}

export function requireKnownFunds(tables: readonly FarsideTable[], listedOn: ListingDates): void {
  const unknown = unknownFunds(tables, listedOn);
  if (unknown.length === 0) return;
  const where = tables
    .filter((table) => table.tickers.some((ticker) => unknown.includes(ticker)))
    .map((table) => table.file)
    .join(", ");
  throw new Error(
    `${where}: no fund ${unknown.join(", ")} in the API or in this import's funds files; ` +
      "import the fund's metadata first (its listing date dates its seed and its first flow)",
  );
}
