// "Long" CSV files, one fact per row, read by header name so column order never matters:
// funds, prices, flows, holdings and events as the write endpoints take them (API.md).

import { isIsoDate } from "../dates.ts";
import { formatDecimal, PRICE_SCALE, parseDecimal, rescale, USD_SCALE } from "../decimal.ts";
import { FLOW_STATUSES, type FlowStatus, VEHICLES, type Vehicle } from "../domain.ts";
import { parseCsv } from "./csv.ts";
import { parseFarside } from "./farside.ts";
import type { ImportKind, ParsedFile } from "./types.ts";

const FREE_TEXT_COLUMNS = ["note", "source"];

export interface ReadOptions {
  /** The asset of a `date,close_usd` price file, when its name does not say (`btc-usd-…`). */
  asset?: string;
}

/** Which kind of file a header belongs to; throws when it matches none. */
export function detectKind(header: readonly string[], fileName: string): ImportKind {
  const has = (...names: string[]) => names.every((name) => header.includes(name));
  if (header[0] === "Date" && header.at(-1) === "Total") return "farside";
  if (has("ticker", "fee_bps")) return "funds";
  if (has("date", "close_usd")) return "prices";
  if (has("fund", "date", "net_flow_usd")) return "flows";
  if (has("type", "from_fund", "to_fund")) return "events";
  if (has("fund", "date", "units")) return "holdings";
  throw new Error(
    `${fileName}: cannot tell what the file holds from its header (${header.join(",")}); expected ` +
      "Farside's Date,…,Total or long columns for funds, prices, flows, holdings or events",
  );
}

/** Reads one file of any supported kind; Farside's table comes back as flows. */
export function readImportFile(text: string, fileName: string, options: ReadOptions = {}): ParsedFile {
  const table = parseCsv(text, { freeTextLast: FREE_TEXT_COLUMNS });
  const kind = detectKind(table.header, fileName);
  if (kind === "farside") {
    const { flows, warnings } = parseFarside(text);
    return { kind: "flows", rows: flows, warnings };
  }
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
      return { kind, warnings, rows: rows.map((cell) => readPrice(cell, fileAsset)) };
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
  const base = fileName.split(/[\\/]/).at(-1) ?? "";
  return /^([a-z0-9]+)-usd(?:[-_.]|$)/i.exec(base)?.[1]?.toUpperCase();
}

function readFund(cell: Cells) {
  const vehicle = cell.required("vehicle");
  if (!VEHICLES.includes(vehicle as Vehicle)) cell.fail("vehicle", `must be one of ${VEHICLES.join(", ")}`);
  const feeText = cell.required("fee_bps");
  if (!/^\d+(\.\d+)?$/.test(feeText)) cell.fail("fee_bps", "must be a non-negative number of basis points");
  const delisted = cell.optional("delisted_on");
  return {
    ticker: cell.required("ticker"),
    name: cell.required("name"),
    issuer: cell.required("issuer"),
    asset: cell.required("asset"),
    vehicle: vehicle as Vehicle,
    country: cell.required("country"),
    exchange: cell.required("exchange"),
    listed_on: cell.date("listed_on"),
    fee_bps: Number(feeText),
    ...(delisted && { delisted_on: cell.date("delisted_on") }),
  };
}

function readPrice(cell: Cells, fileAsset: string | undefined) {
  const asset = cell.optional("asset") ?? fileAsset;
  if (!asset)
    throw new Error(`${cell.where("asset")}: no asset column, --asset option or btc-usd-… file name`);
  const source = cell.optional("source");
  return { asset, date: cell.date("date"), close_usd: cell.price("close_usd"), ...(source && { source }) };
}

function readFlow(cell: Cells) {
  const status = cell.optional("status") ?? "final";
  if (!FLOW_STATUSES.includes(status as FlowStatus)) cell.fail("status", "must be final or provisional");
  const units = cell.optional("units");
  if (units !== undefined) cell.quantity("units", true);
  const source = cell.optional("source");
  return {
    fund: cell.required("fund"),
    date: cell.date("date"),
    net_flow_usd: cell.usd("net_flow_usd"),
    status: status as FlowStatus,
    ...(source && { source }),
    ...(units && { units }),
  };
}

function readHolding(cell: Cells) {
  const source = cell.optional("source");
  const units = cell.quantity("units", false);
  return { fund: cell.required("fund"), date: cell.date("date"), units, ...(source && { source }) };
}

function readEvent(cell: Cells) {
  const note = cell.optional("note");
  return {
    type: cell.required("type"),
    date: cell.date("date"),
    from_fund: cell.required("from_fund"),
    to_fund: cell.required("to_fund"),
    units: cell.quantity("units", false),
    ...(note && { note }),
  };
}

/** One row's cells by column name, with checks that name the file, line and column on failure. */
class Cells {
  readonly columns: ReadonlyMap<string, number>;
  readonly cells: readonly string[];
  readonly fileName: string;
  readonly line: number;

  constructor(
    columns: ReadonlyMap<string, number>,
    cells: readonly string[],
    fileName: string,
    line: number,
  ) {
    this.columns = columns;
    this.cells = cells;
    this.fileName = fileName;
    this.line = line;
  }

  where(column: string): string {
    return `${this.fileName} line ${this.line}, column ${column}`;
  }

  fail(column: string, problem: string): never {
    const value = this.optional(column) ?? "";
    throw new Error(`${this.where(column)}: "${value}" ${problem}`);
  }

  optional(column: string): string | undefined {
    const index = this.columns.get(column);
    const value = index === undefined ? "" : (this.cells[index] ?? "").trim();
    return value === "" ? undefined : value;
  }

  required(column: string): string {
    const value = this.optional(column);
    if (value === undefined) throw new Error(`${this.where(column)}: a value is required`);
    return value;
  }

  date(column: string): string {
    const value = this.required(column);
    return isIsoDate(value) ? value : this.fail(column, "is not a date written YYYY-MM-DD");
  }

  /** USD to the cent, in canonical form ("-95.1" → "-95.10"). */
  usd(column: string): string {
    const value = parseDecimal(this.required(column), USD_SCALE);
    return typeof value === "bigint"
      ? formatDecimal(value, USD_SCALE)
      : this.fail(column, `is ${value} in USD`);
  }

  /** Coin units stay as written: their precision depends on the asset, which the API checks. */
  quantity(column: string, signed: boolean): string {
    const value = this.required(column);
    const pattern = signed ? /^-?\d+(\.\d+)?$/ : /^\d+(\.\d+)?$/;
    return pattern.test(value)
      ? value
      : this.fail(column, `is not a ${signed ? "" : "non-negative "}decimal`);
  }

  /**
   * A close in USD rounded half to even to the API's 8 decimal places. The demo files keep
   * Yahoo's float digits (457.3340148925781); rounding is done on the decimal text with bigints,
   * never through a float, so the stored price is exactly the source's digits rounded once.
   */
  price(column: string): string {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(this.required(column));
    if (!match) return this.fail(column, "is not a positive decimal price");
    const fraction = match[2] ?? "";
    const rounded = rescale(BigInt((match[1] ?? "") + fraction), fraction.length, PRICE_SCALE);
    return rounded > 0n ? formatDecimal(rounded, PRICE_SCALE) : this.fail(column, "rounds to zero");
  }
}
