// One row of a long CSV by column name, with checks that name the file, line and column on failure.

import { isIsoDate } from "../dates.ts";
import { formatDecimal, PRICE_SCALE, parseDecimal, rescale, USD_SCALE } from "../decimal.ts";

export class Cells {
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

  /** An empty cell is "not known", which the API takes as null. */
  nullable(column: string): string | null {
    return this.optional(column) ?? null;
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

  /** Basis points are whole numbers (the API refuses fractions). */
  basisPoints(column: string): number {
    const value = this.required(column);
    return /^\d+$/.test(value) ? Number(value) : this.fail(column, "is not a whole number of basis points");
  }

  /**
   * A close in USD rounded half to even to the API's 8 decimal places. The files keep Yahoo's float
   * digits (457.3340148925781); rounding is done on the decimal text with bigints, never through a
   * float, so the stored price is exactly the source's digits rounded once.
   */
  price(column: string): string {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(this.required(column));
    if (!match) return this.fail(column, "is not a positive decimal price");
    const fraction = match[2] ?? "";
    const rounded = rescale(BigInt((match[1] ?? "") + fraction), fraction.length, PRICE_SCALE);
    return rounded > 0n ? formatDecimal(rounded, PRICE_SCALE) : this.fail(column, "rounds to zero");
  }
}
