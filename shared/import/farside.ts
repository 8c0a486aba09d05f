// Farside's flow tables in one call: the cells read (farside-table.ts), then the flows and seeds they
// stand for (farside-flows.ts). See data/demo/README.md and data/market/README.md.

import { type FarsideImport, farsideImport } from "./farside-flows.ts";
import { parseFarsideTable } from "./farside-table.ts";
import type { ListingDates } from "./reference.ts";

export type { FarsideImport } from "./farside-flows.ts";
export { parseFarsideDate, parseMillions } from "./farside-table.ts";

/** Reads a Farside table into flows and seeds; `listedOn` as in farsideImport. */
export function parseFarside(text: string, listedOn?: ListingDates, file = "Farside"): FarsideImport {
  return farsideImport(parseFarsideTable(text, file), listedOn);
}
