// "Long" CSV files, one fact per row, read by header name so column order never matters: funds,
// prices, flows, holdings and events as the write endpoints take them (shared/schemas.ts).

import { STAKING_POLICIES, type StakingPolicy, VEHICLES, type Vehicle } from "../domain.ts";
import { Cells } from "./cells.ts";
import { parseCsv } from "./csv.ts";
import { readEvent } from "./events.ts";
import { farsideImport } from "./farside-flows.ts";
import { type FarsideTable, readFarsideTable } from "./farside-table.ts";
import type { ListingDates } from "./reference.ts";
import type { FlowInput, FundInput, ImportKind, ParsedFile, PriceInput } from "./types.ts";

const FREE_TEXT_COLUMNS = ["note", "source", "notes"];

export interface ReadOptions {
  /** The asset of a `date,close_usd` price file, when its name does not say (`btc-usd-…`). */
  asset?: string;
  /** Listing dates, for a Farside table (see farsideImport). */
  listedOn?: ListingDates;
}

/** A file read, except that a Farside table waits for the listing dates its flows depend on. */
export type ReadFile = ParsedFile | { kind: "farside"; table: FarsideTable; warnings: string[] };

/** Which kind of file a header belongs to; throws when it matches none. */
export function detectKind(header: readonly string[], fileName: string): ImportKind {
  const has = (...names: string[]) => names.every((name) => header.includes(name));
  if (header[0] === "Date" && header.at(-1) === "Total") return "farside";
  if (has("ticker", "listed_on")) return "funds";
  if (has("date", "close_usd")) return "prices";
  // Before flows and holdings: an event row has a fund and a date, and may have units.
  if (has("type", "date") && (has("fund") || has("from_fund"))) return "events";
  if (has("fund", "date", "net_flow_usd")) return "flows";
  if (has("fund", "date", "units")) return "holdings";
  throw new Error(
    `${fileName}: cannot tell what the file holds from its header (${header.join(",")}); expected ` +
      "Farside's Date,…,Total or long columns for funds, prices, flows, holdings or events",
  );
}

/** Reads one file of any supported kind; Farside's table comes back as flows and seeds. */
export function readImportFile(text: string, fileName: string, options: ReadOptions = {}): ParsedFile {
  const read = readImportSource(text, fileName, options);
  if (read.kind !== "farside") return read;
  const { flows, seeds, warnings } = farsideImport(read.table, options.listedOn);
  return { kind: "flows", rows: flows, warnings, ...(seeds.length > 0 && { seeds }) };
}

export function readImportSource(text: string, fileName: string, options: ReadOptions = {}): ReadFile {
  const table = parseCsv(text, { freeTextLast: FREE_TEXT_COLUMNS });
  const kind = detectKind(table.header, fileName);
  if (kind === "farside") return { kind, table: readFarsideTable(table, fileName), warnings: [] };
  // One column index for the file and no closure per row: a bulk file has millions of rows.
  const columns = new Map(table.header.map((name, index) => [name, index]));
  const rows = table.rows.map((cells, index) => new Cells(columns, cells, fileName, table.lines[index] ?? 0));
  const warnings = table.joinedLines.map(
    (line) => `${fileName} line ${line}: unquoted commas in ${table.header.at(-1)} were kept as part of it`,
  );
  switch (kind) {
    case "funds":
      return { kind, warnings, rows: rows.map(readFund) };
    case "prices": {
      const fileAsset = options.asset ?? assetFromFileName(fileName);
      const fileSource = sourceFromFileName(fileName);
      return { kind, warnings, rows: rows.map((cell) => readPrice(cell, fileAsset, fileSource)) };
    }
    case "flows":
      return { kind, warnings, rows: rows.map(readFlow) };
    case "holdings":
      return { kind, warnings, rows: rows.map(readHolding) };
    case "events":
      return { kind, warnings, rows: rows.map(readEvent) };
  }
}

/** `btc-usd-daily-close.csv` → "BTC". */
export function assetFromFileName(fileName: string): string | undefined {
  return /^([a-z0-9]+)-usd(?:[-_.]|$)/i.exec(baseName(fileName))?.[1]?.toUpperCase();
}

/** `btc-usd-daily-close-yahoo.csv` → "yahoo"; none for `btc-usd-daily-close.csv`. */
export function sourceFromFileName(fileName: string): string | undefined {
  return /-daily-close-([a-z0-9]+)\.[a-z]+$/i.exec(baseName(fileName))?.[1]?.toLowerCase();
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).at(-1) ?? "";
}

// Columns such as seed_usd_m and notes (provenance) are the file's own and are not sent.
function readFund(cell: Cells): FundInput {
  const vehicle = cell.nullable("vehicle");
  if (vehicle !== null && !VEHICLES.includes(vehicle as Vehicle)) {
    cell.fail("vehicle", `must be one of ${VEHICLES.join(", ")}, or empty when not known`);
  }
  const fee = cell.optional("fee_bps") === undefined ? null : cell.basisPoints("fee_bps");
  const staking = cell.nullable("staking_policy");
  if (staking !== null && !STAKING_POLICIES.includes(staking as StakingPolicy)) {
    cell.fail("staking_policy", `must be one of ${STAKING_POLICIES.join(", ")}, or empty when not known`);
  }
  return {
    ticker: cell.required("ticker"),
    name: cell.nullable("name"),
    issuer: cell.nullable("issuer"),
    asset: cell.required("asset"),
    vehicle: vehicle as Vehicle | null,
    country: cell.required("country"),
    exchange: cell.nullable("exchange"),
    listed_on: cell.date("listed_on"),
    fee_bps: fee,
    // Without the column the API's default (not known) stands.
    ...(cell.columns.has("staking_policy") && { staking_policy: staking as StakingPolicy | null }),
  };
}

function readPrice(cell: Cells, fileAsset: string | undefined, fileSource: string | undefined): PriceInput {
  const asset = cell.optional("asset") ?? fileAsset;
  if (!asset)
    throw new Error(`${cell.where("asset")}: no asset column, --asset option or btc-usd-… file name`);
  const source = cell.optional("source") ?? fileSource;
  return { asset, date: cell.date("date"), close_usd: cell.price("close_usd"), ...(source && { source }) };
}

function readFlow(cell: Cells): FlowInput {
  const status = cell.optional("status") ?? "final";
  if (status !== "final" && status !== "provisional") cell.fail("status", "must be final or provisional");
  const units = cell.optional("units");
  if (units !== undefined) cell.quantity("units", true);
  const source = cell.optional("source");
  return {
    fund: cell.required("fund"),
    date: cell.date("date"),
    net_flow_usd: cell.usd("net_flow_usd"),
    status,
    ...(source && { source }),
    ...(units && { units }),
  };
}

function readHolding(cell: Cells) {
  const source = cell.optional("source");
  const units = cell.quantity("units", false);
  return { fund: cell.required("fund"), date: cell.date("date"), units, ...(source && { source }) };
}
