// Farside Investors' ETF flow tables: one row per day, one column per fund in US$ millions, a Total
// column. Two notations of the same table are read, cell by cell, so a mix is fine too:
//  - as printed (data/demo): "(95.1)" negatives, "-" for no figure, "1,045.0" thousands separators;
//  - as captured (data/market): "-95.1" negatives, an empty cell for Farside's "-", a Seed row first.

import { isIsoDate } from "../dates.ts";
import { formatDecimal } from "../decimal.ts";
import { type CsvTable, parseCsv } from "./csv.ts";

export interface FarsideRow {
  /** As printed: "11 Jan 2024", or "Seed". */
  label: string;
  /** Null for the Seed row. */
  date: string | null;
  line: number;
  /** Cents per fund column; null where Farside has no figure ("-" or an empty cell). */
  cells: (bigint | null)[];
  total: bigint | null;
}

export interface FarsideTable {
  file: string;
  /** The fund columns, in the table's order (the Date and Total columns left out). */
  tickers: string[];
  /** The dated rows, in the file's order. */
  rows: FarsideRow[];
  /** The sponsors' opening positions, when the table has them (ETH and SOL). */
  seed?: FarsideRow;
  /** Funds whose Seed cell is starred ("9,199.3*"): assets carried over, not new money. */
  carriedOver: Set<string>;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FARSIDE_DATE = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/;
// "111.7", "(95.1)" or "-95.1" for a negative, "1,045.0" with thousands separators.
const MILLIONS = /^(\(|-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(\))?$/;
// US$ millions to cents is a shift of 8 decimal places: 1 million dollars = 10^8 cents.
const MILLIONS_TO_CENTS_DIGITS = 8;
export const SEED_LABEL = "Seed";
/** The source every row read from a Farside table carries. */
export const FARSIDE_SOURCE = "farside";

export function parseFarsideTable(text: string, file = "Farside"): FarsideTable {
  return readFarsideTable(parseCsv(text), file);
}

/** Reads the table's cells. Throws on any cell that is not a date, "-", empty or an amount. */
export function readFarsideTable(table: CsvTable, file = "Farside"): FarsideTable {
  const { header } = table;
  if (header[0] !== "Date" || header.at(-1) !== "Total" || header.length < 3) {
    throw new Error(`${file}: the header must be Date,<tickers...>,Total, not ${header.join(",")}`);
  }
  const tickers = header.slice(1, -1);
  const duplicate = tickers.find((ticker, i) => tickers.indexOf(ticker) !== i);
  if (duplicate) throw new Error(`${file}: column ${duplicate} appears twice`);
  const result: FarsideTable = { file, tickers, rows: [], carriedOver: new Set() };
  const seen = new Set<string>();
  table.rows.forEach((cells, index) => {
    const line = table.lines[index] ?? 0;
    const where = `${file} line ${line}`;
    const label = (cells[0] ?? "").trim();
    const isSeed = label === SEED_LABEL;
    const date = isSeed ? null : parseFarsideDate(label, where);
    const key = date ?? SEED_LABEL;
    if (seen.has(key)) throw new Error(`${file}: ${label} appears twice`);
    seen.add(key);
    const amount = (column: number) => {
      const raw = cells[column] ?? "";
      const carried = isSeed && raw.trim().endsWith("*");
      if (carried) result.carriedOver.add(header[column] ?? "");
      return parseMillions(carried ? raw.trim().slice(0, -1) : raw, `${where}, column ${header[column]}`);
    };
    const row = {
      label,
      date,
      line,
      cells: tickers.map((_, i) => amount(i + 1)),
      total: amount(header.length - 1),
    };
    if (isSeed) result.seed = row;
    else result.rows.push(row);
  });
  return result;
}

/** "11 Jan 2024" → "2024-01-11". */
export function parseFarsideDate(label: string, where = "Farside"): string {
  const match = FARSIDE_DATE.exec(label.trim());
  const month = match ? MONTHS.indexOf(match[2] ?? "") + 1 : 0;
  const date = match && month > 0 ? `${match[3]}-${pad(month)}-${pad(Number(match[1]))}` : "";
  if (!isIsoDate(date)) throw new Error(`${where}, column Date: "${label}" is not a date like 11 Jan 2024`);
  return date;
}

/** A Farside amount in US$ millions as exact cents; null for no figure ("-" or nothing). */
export function parseMillions(raw: string, where = "Farside"): bigint | null {
  const text = raw.trim();
  if (text === "-" || text === "") return null;
  const match = MILLIONS.exec(text);
  const [, sign, whole = "", fraction = "", close] = match ?? [];
  const balanced = (sign === "(") === Boolean(close);
  if (!match || !balanced || fraction.length > MILLIONS_TO_CENTS_DIGITS) {
    throw new Error(`${where}: "${raw}" is not an amount in US$ millions such as 111.7, (95.1) or -95.1`);
  }
  const cents = BigInt(whole.replaceAll(",", "") + fraction.padEnd(MILLIONS_TO_CENTS_DIGITS, "0"));
  return sign ? -cents : cents;
}

/** Cents back to Farside's US$ millions, with at least one decimal: 87010000000n → "870.1". */
export function formatMillions(cents: bigint): string {
  const text = formatDecimal(cents, MILLIONS_TO_CENTS_DIGITS);
  return text.replace(/0+$/, "").replace(/\.$/, ".0");
}

/** The Total is only a cross-check: Farside's own can go stale (29 Oct 2024 says 0.0). */
export function totalMismatches(table: FarsideTable): string[] {
  const warnings: string[] = [];
  for (const row of table.rows) {
    const sum = row.cells.reduce<bigint>((acc, cell) => acc + (cell ?? 0n), 0n);
    if (row.total === null || sum === row.total) continue;
    warnings.push(
      `${table.file} ${row.label} (${row.date}): the fund cells add up to ${formatMillions(sum)} ` +
        `but Total says ${formatMillions(row.total)}; the Total is ignored, the cells are imported`,
    );
  }
  return warnings;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
