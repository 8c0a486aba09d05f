// Farside Investors' "Bitcoin ETF Flow – All Data" table, as printed: one row per US trading day
// (and holidays), one column per fund in US$ millions, and a Total column. See data/demo/README.md.

import { isIsoDate } from "../dates.ts";
import { formatDecimal, USD_SCALE } from "../decimal.ts";
import { parseCsv } from "./csv.ts";
import type { FlowInput } from "./types.ts";

export interface FarsideImport {
  flows: FlowInput[];
  warnings: string[];
  /** Dates whose row is "-" in every fund column: the market was closed. */
  holidays: string[];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FARSIDE_DATE = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/;
// "111.7", "(95.1)" for a negative, "1,045.0" with thousands separators (the CSV quotes those).
const MILLIONS = /^(\()?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(\))?$/;
// US$ millions to cents is a shift of 8 decimal places: 1 million dollars = 10^8 cents.
const MILLIONS_TO_CENTS_DIGITS = 8;

interface FarsideRow {
  label: string;
  date: string;
  /** Cents per fund column; null where Farside printed "-" (no market, or not listed yet). */
  cells: (bigint | null)[];
  total: bigint;
}

/** Reads Farside's table into flows. Throws on any cell that is not a date, "-" or an amount. */
export function parseFarside(text: string): FarsideImport {
  const table = parseCsv(text);
  const { header } = table;
  if (header[0] !== "Date" || header.at(-1) !== "Total" || header.length < 3) {
    throw new Error(`Farside: the header must be Date,<tickers...>,Total, not ${header.join(",")}`);
  }
  const tickers = header.slice(1, -1);
  const rows = table.rows.map((cells, index): FarsideRow => {
    const where = `Farside line ${table.lines[index]}`;
    const label = cells[0] ?? "";
    const date = parseFarsideDate(label, where);
    const amount = (column: number) =>
      parseMillions(cells[column] ?? "", `${where}, column ${header[column]}`);
    const fundCells = tickers.map((_, i) => amount(i + 1));
    const total = amount(header.length - 1);
    if (total === null) throw new Error(`${where}, column Total: "-" where an amount was expected`);
    return { label, date, cells: fundCells, total };
  });
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.date)) throw new Error(`Farside: ${row.label} appears twice`);
    seen.add(row.date);
  }

  const warnings: string[] = [];
  const holidays: string[] = [];
  const latest = rows.reduce<FarsideRow | undefined>((a, b) => (a && a.date > b.date ? a : b), undefined);
  const placeholder = latest && isPlaceholder(latest) ? latest : undefined;
  if (placeholder) {
    warnings.push(
      `Farside ${placeholder.label}: every fund shows 0.0, Farside's placeholder for a day not yet ` +
        "filled in; imported as provisional so the next import restates it",
    );
  }
  const flows: FlowInput[] = [];
  for (const row of rows) {
    if (row.cells.every((cell) => cell === null)) holidays.push(row.date);
    const sum = row.cells.reduce<bigint>((acc, cell) => acc + (cell ?? 0n), 0n);
    // The Total is only a cross-check: Farside's own total can go stale (29 Oct 2024 says 0.0).
    if (sum !== row.total) {
      warnings.push(
        `Farside ${row.label} (${row.date}): the fund cells add up to ${formatMillions(sum)} ` +
          `but Total says ${formatMillions(row.total)}; the Total is ignored, the cells are imported`,
      );
    }
    const status = row === placeholder ? "provisional" : "final";
    row.cells.forEach((cents, i) => {
      const fund = tickers[i];
      if (cents === null || fund === undefined) return;
      flows.push({
        fund,
        date: row.date,
        net_flow_usd: formatDecimal(cents, USD_SCALE),
        status,
        source: "farside",
      });
    });
  }
  return { flows, warnings, holidays };
}

/** "11 Jan 2024" → "2024-01-11". */
export function parseFarsideDate(label: string, where = "Farside"): string {
  const match = FARSIDE_DATE.exec(label.trim());
  const month = match ? MONTHS.indexOf(match[2] ?? "") + 1 : 0;
  const date = match && month > 0 ? `${match[3]}-${pad(month)}-${pad(Number(match[1]))}` : "";
  if (!isIsoDate(date)) throw new Error(`${where}, column Date: "${label}" is not a date like 11 Jan 2024`);
  return date;
}

/** A Farside amount in US$ millions as exact cents; null for "-". */
export function parseMillions(raw: string, where = "Farside"): bigint | null {
  const text = raw.trim();
  if (text === "-") return null;
  const match = MILLIONS.exec(text);
  const [, open, whole = "", fraction = "", close] = match ?? [];
  if (!match || Boolean(open) !== Boolean(close) || fraction.length > MILLIONS_TO_CENTS_DIGITS) {
    throw new Error(`${where}: "${raw}" is not an amount in US$ millions such as 111.7 or (95.1)`);
  }
  const digits = whole.replaceAll(",", "") + fraction.padEnd(MILLIONS_TO_CENTS_DIGITS, "0");
  const cents = BigInt(digits);
  return open ? -cents : cents;
}

/** The last day is a placeholder when every fund that has a market shows exactly zero. */
function isPlaceholder(row: FarsideRow): boolean {
  const listed = row.cells.filter((cell) => cell !== null);
  return listed.length > 0 && listed.every((cell) => cell === 0n);
}

/** Cents back to Farside's US$ millions, with at least one decimal: 87010000000n → "870.1". */
function formatMillions(cents: bigint): string {
  const text = formatDecimal(cents, MILLIONS_TO_CENTS_DIGITS);
  return text.replace(/0+$/, "").replace(/\.$/, ".0");
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
