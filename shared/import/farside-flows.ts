// What a Farside table says as flows: which cells are figures, which are provisional, and which are
// not flows at all (no figure, a day before the fund listed). The replay of the revision log applies
// the same rules at every moment, so a replay ends exactly where a plain import of the last capture is.

import { formatDecimal, USD_SCALE } from "../decimal.ts";
import {
  FARSIDE_SOURCE,
  type FarsideRow,
  type FarsideTable,
  formatMillions,
  totalMismatches,
} from "./farside-table.ts";
import { type ListingDates, requireKnownFunds } from "./reference.ts";
import { seedEvents } from "./seeds.ts";
import type { FlowInput, SeedEvent } from "./types.ts";

export interface FarsideImport {
  flows: FlowInput[];
  seeds: SeedEvent[];
  warnings: string[];
  /** Dates whose row has no figure in any fund column: the market was closed. */
  holidays: string[];
  /** Cells dated before their fund's listing: not flows, never sent. */
  dropped: { fund: string; date: string }[];
}

/**
 * The table's flows and seeds. Without listing dates nothing is dropped as pre-listing and a Seed row
 * is refused (a seed is dated by its fund's listing); with them every fund column must be known.
 */
export function farsideImport(table: FarsideTable, listedOn?: ListingDates): FarsideImport {
  if (listedOn) requireKnownFunds([table], listedOn);
  const warnings = totalMismatches(table);
  const latest = latestRow(table.rows);
  if (latest && isPlaceholder(latest)) {
    warnings.push(
      `${table.file} ${latest.label}: every fund shows 0.0, Farside's placeholder for a day not yet ` +
        "filled in; imported as provisional so the next import restates it",
    );
  }
  const flows: FlowInput[] = [];
  const holidays: string[] = [];
  const dropped: FarsideImport["dropped"] = [];
  for (const row of table.rows) {
    if (row.cells.every((cell) => cell === null)) holidays.push(row.date ?? "");
    const status = flowStatus(row, latest);
    row.cells.forEach((cents, i) => {
      const fund = table.tickers[i] ?? "";
      const date = row.date ?? "";
      if (cents === null) return;
      if (isBeforeListing(fund, date, listedOn)) {
        dropped.push({ fund, date });
        warnings.push(preListingWarning(table.file, row.label, fund, cents, listedOn?.get(fund) ?? ""));
        return;
      }
      flows.push({
        fund,
        date,
        net_flow_usd: formatDecimal(cents, USD_SCALE),
        status,
        source: FARSIDE_SOURCE,
      });
    });
  }
  const seeds = seedEvents(table, listedOn);
  return { flows, seeds: seeds.seeds, warnings: [...warnings, ...seeds.warnings], holidays, dropped };
}

/** The row with the latest date, whether or not it has figures yet. */
export function latestRow(rows: Iterable<FarsideRow>): FarsideRow | undefined {
  let latest: FarsideRow | undefined;
  for (const row of rows) if (!latest || (row.date ?? "") > (latest.date ?? "")) latest = row;
  return latest;
}

/** Farside first shows a new day as zeros and fills it in later: zeros in the latest row are pending. */
export function isPlaceholder(row: FarsideRow): boolean {
  const figures = row.cells.filter((cell) => cell !== null);
  return figures.length > 0 && figures.every((cell) => cell === 0n);
}

export function flowStatus(row: FarsideRow, latest: FarsideRow | undefined): "final" | "provisional" {
  return row === latest && isPlaceholder(row) ? "provisional" : "final";
}

export function isBeforeListing(fund: string, date: string, listedOn: ListingDates | undefined): boolean {
  const listed = listedOn?.get(fund);
  return listed !== undefined && date < listed;
}

export function preListingWarning(
  file: string,
  label: string,
  fund: string,
  cents: bigint,
  listed: string,
): string {
  return (
    `${file} ${label}: ${fund} shows ${formatMillions(cents)} before its listing on ${listed}; ` +
    "not a flow, dropped"
  );
}
