// Farside's Seed row: each sponsor's opening position at listing, in US$ millions. Not a flow (nobody
// bought in), so it becomes a `seed` event dated by the fund's listing, which opens its units.

import { formatDecimal, USD_SCALE } from "../decimal.ts";
import { FARSIDE_SOURCE, type FarsideTable, formatMillions } from "./farside-table.ts";
import type { ListingDates } from "./reference.ts";
import type { SeedEvent } from "./types.ts";

export function seedEvents(
  table: FarsideTable,
  listedOn: ListingDates | undefined,
): { seeds: SeedEvent[]; warnings: string[] } {
  const row = table.seed;
  if (!row) return { seeds: [], warnings: [] };
  if (!listedOn) {
    throw new Error(`${table.file}: a Seed row needs each fund's listing date, which dates the seed`);
  }
  const where = `${table.file} ${row.label}`;
  const seeds: SeedEvent[] = [];
  const warnings: string[] = [];
  const seed = (fund: string, cents: bigint, derived: boolean): SeedEvent => ({
    type: "seed",
    fund,
    date: listedOn.get(fund) ?? "",
    usd: formatDecimal(cents, USD_SCALE),
    ...(derived && { derived: true }),
    source: FARSIDE_SOURCE,
  });
  const empty: string[] = [];
  let known = 0n;
  row.cells.forEach((cents, i) => {
    const fund = table.tickers[i] ?? "";
    if (cents === null) {
      empty.push(fund);
      return;
    }
    known += cents;
    if (table.carriedOver.has(fund)) {
      warnings.push(
        `${where}: ${fund}'s ${formatMillions(cents)}* is assets carried over from before the ETF, ` +
          "not a seed; none imported",
      );
    } else seeds.push(seed(fund, cents, false));
  });
  const total = row.total;
  const remainder = total === null ? null : total - known;
  if (empty.length === 0) {
    if (remainder !== null && remainder !== 0n) {
      warnings.push(
        `${where}: the seeds add up to ${formatMillions(known)} but Total says ${millions(total)}`,
      );
    }
  } else if (empty.length === 1 && remainder !== null && remainder > 0n) {
    // The capture lost a cell Farside printed with a mark; the row's Total still holds its value.
    const fund = empty[0] ?? "";
    seeds.push(seed(fund, remainder, true));
    warnings.push(
      `${where}: ${fund}'s seed cell is empty; derived from the row as Total ${millions(total)} − ` +
        `${formatMillions(known)} = ${formatMillions(remainder)} and marked derived`,
    );
  } else {
    warnings.push(
      `${where}: the seed cells of ${empty.join(", ")} are empty and the row's Total cannot tell ` +
        `them apart (${millions(remainder)} left over); no seed imported for them`,
    );
  }
  return { seeds, warnings };
}

function millions(cents: bigint | null): string {
  return cents === null ? "-" : formatMillions(cents);
}
