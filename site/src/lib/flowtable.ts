// The flow table, Farside's table done right: every trading day of a year a row, every fund a column,
// the Total, and what only aumflow knows: each cell's state (final, provisional, not reported yet,
// not listed, restated), which days are partial and which funds they await, holiday rows, weekly,
// monthly and yearly sums, the cumulative flow since listing and each fund's share. The same table in
// coins, at the day's close as the engine counts them.
//
// Pure: it works on exact integers (cents, or coins in the asset's smallest unit) handed in by
// flowdata.ts, so every sum is exact and is rounded once, to US$0.1m or 0.1 coin, when printed.
import { closureReason } from "../../../shared/calendar.ts";
import { addDays, dayOfWeek, isoWeek } from "../../../shared/dates.ts";
import { divideRounded, formatDecimal, pow10, usdToUnits } from "../../../shared/decimal.ts";
import type { DayState } from "../../../shared/domain.ts";

export type FlowUnit = "usd" | "coins";

/** One fund on one date, as the engine's daily row has it. */
export interface FlowDay {
  state: DayState;
  /** The net flow in cents; null when none was reported. */
  cents: bigint | null;
  /** The day's close at 8 decimal places; null when there is none. */
  price: bigint | null;
}

/** A change to a cell's figure after it was first published, in words; a cell's are oldest first. */
export interface Restatement {
  /** "0.0 → −$46.8M, seen 13 Aug 02:30 UTC": the earlier value, the new one, when it was seen. */
  words: string;
  /** The revision's id, for the footnote's anchor. */
  id: number;
}

/** What flowdata.ts hands in for each fund. */
export interface FundInput {
  ticker: string;
  asset: string;
  /** The asset's coin precision (8 for BTC). */
  decimals: number;
  on: (date: string) => FlowDay | undefined;
  /** Net flows from listing to the end of `date`, in cents (usd) or the asset's smallest unit (coins). */
  cumulative: (date: string, unit: FlowUnit) => bigint;
  /** AUM (usd) or coins held (coins) at the end of `date`, for each fund's share. */
  level: (date: string, unit: FlowUnit) => number | null;
  restated: (date: string) => readonly Restatement[];
}

export type ColumnKind = "fund" | "group" | "total";

export interface FlowColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** The tickers the column adds up (one for a fund). */
  funds: string[];
  asset?: string;
}

export type CellState = "final" | "provisional" | "missing" | "not_listed" | "closed";

export interface FlowCell {
  /** Cents or the smallest coin unit; null when nothing was reported. */
  value: bigint | null;
  state: CellState;
  /** A sum some of whose funds or days have no figure yet. */
  partial?: boolean;
  /** Funds still awaited in a sum (a day's Total). */
  awaiting?: string[];
  /** A sum holding a provisional figure. */
  provisional?: boolean;
  restated?: readonly Restatement[];
  /** No close that day, so the coins of a dollar flow are not known. */
  noPrice?: boolean;
}

export interface DayRow {
  kind: "day";
  date: string;
  cells: FlowCell[];
  completeness: "complete" | "partial" | "none";
  awaiting: string[];
}

export interface ClosedRow {
  kind: "closed";
  date: string;
  /** "Thanksgiving Day"; null when the calendar names none. */
  reason: string | null;
}

export interface SumRow {
  kind: "week" | "month" | "year" | "cumulative";
  label: string;
  from: string;
  to: string;
  cells: FlowCell[];
}

export interface FlowTable {
  /** "BTC", or "all". */
  scope: string;
  unit: FlowUnit;
  year: string;
  /** Decimals of the coin amounts (usd: cents, 2). */
  decimals: number;
  columns: FlowColumn[];
  /** Day and holiday rows in date order, each ISO week followed by its sum. */
  rows: (DayRow | ClosedRow | SumRow)[];
  months: SumRow[];
  total: SumRow;
  cumulative: SumRow;
  /** Each column's share of the whole at the end of the last day shown (AUM or coins held). */
  share: { date: string; values: (number | null)[] };
  first: string;
  last: string;
}

/** The calendar every US listing venue shares (see shared/calendar.ts). */
const US_CALENDAR = "XNYS";

/** Weekdays from `from` to `to`: the calendar, not a publisher's table, says which days exist. */
export function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const weekday = dayOfWeek(date);
    if (weekday !== 0 && weekday !== 6) days.push(date);
  }
  return days;
}

/** The value of one fund's flow in the table's unit: cents, or coins at the day's close. */
export function cellValue(
  day: FlowDay,
  unit: FlowUnit,
  decimals: number,
): { value: bigint | null; noPrice: boolean } {
  if (day.cents === null) return { value: null, noPrice: false };
  if (unit === "usd") return { value: day.cents, noPrice: false };
  if (day.price === null || day.price <= 0n) return { value: null, noPrice: true };
  return { value: usdToUnits(day.cents, day.price, decimals), noPrice: false };
}

/** The cells with no figure, one of each, shared: no cell is changed once made. */
const NOT_LISTED: FlowCell = Object.freeze({ value: null, state: "not_listed" });
const CLOSED: FlowCell = Object.freeze({ value: null, state: "closed" });
const MISSING: FlowCell = Object.freeze({ value: null, state: "missing" });

function fundCell(fund: FundInput, date: string, unit: FlowUnit): FlowCell {
  const day = fund.on(date);
  if (!day || day.state === "not_listed") return NOT_LISTED;
  if (day.state === "holiday") return CLOSED;
  if (day.state === "missing") return MISSING;
  const { value, noPrice } = cellValue(day, unit, fund.decimals);
  const restated = fund.restated(date);
  // Marks set only where they apply: a thousand funds' year is a quarter of a million cells.
  const cell: FlowCell = {
    value,
    state: noPrice ? "missing" : day.state === "provisional" ? "provisional" : "final",
  };
  if (noPrice) cell.noPrice = true;
  if (restated.length > 0) cell.restated = restated;
  return cell;
}

/** Adds cells up: the reported figures summed, partial when some are awaited, missing when all are. */
export function sumCells(cells: readonly FlowCell[], names?: readonly string[]): FlowCell {
  let value = 0n;
  let reported = 0;
  let missing = 0;
  let provisional = false;
  let listed = 0;
  const awaiting: string[] = [];
  cells.forEach((cell, i) => {
    if (cell.state === "not_listed" || cell.state === "closed") return;
    listed++;
    if (cell.state === "missing") {
      missing++;
      const name = names?.[i];
      if (name !== undefined) awaiting.push(name);
      return;
    }
    // A sum of sums carries their marks.
    if (cell.partial) missing++;
    if (cell.awaiting) awaiting.push(...cell.awaiting);
    if (cell.state === "provisional" || cell.provisional) provisional = true;
    value += cell.value ?? 0n;
    reported++;
  });
  if (listed === 0)
    return { value: null, state: cells.some((c) => c.state === "closed") ? "closed" : "not_listed" };
  if (reported === 0) return { value: null, state: "missing", ...(awaiting.length > 0 && { awaiting }) };
  return {
    value,
    state: "final",
    ...(missing > 0 ? { partial: true } : {}),
    ...(awaiting.length > 0 && { awaiting: [...new Set(awaiting)] }),
    ...(provisional ? { provisional: true } : {}),
  };
}

export interface TableSpec {
  scope: string;
  unit: FlowUnit;
  year: string;
  /** The last day any fund has a row for (the report date). */
  reportDate: string;
  funds: readonly FundInput[];
  columns: FlowColumn[];
}

/** Builds one year's table. Columns name the funds they add up; rows are the year's weekdays on record. */
export function buildFlowTable(spec: TableSpec): FlowTable {
  const { funds, columns, unit, year } = spec;
  const byTicker = new Map(funds.map((fund) => [fund.ticker, fund]));
  const last = `${year}-12-31` < spec.reportDate ? `${year}-12-31` : spec.reportDate;
  const dates = weekdays(`${year}-01-01`, last);
  // Each column's funds as indexes into the day's cells (-1: a fund the table has no row for).
  const indexOf = new Map(funds.map((fund, i) => [fund.ticker, i]));
  const memberIndexes = columns.map((column) => column.funds.map((ticker) => indexOf.get(ticker) ?? -1));
  const dayRows: (DayRow | ClosedRow)[] = [];
  for (const date of dates) {
    const cells = funds.map((fund) => fundCell(fund, date, unit));
    if (cells.every((cell) => cell.state === "not_listed")) continue;
    if (cells.every((cell) => cell.state === "closed" || cell.state === "not_listed")) {
      dayRows.push({ kind: "closed", date, reason: closureReason(US_CALENDAR, date) });
      continue;
    }
    const out = columns.map((column, c) => {
      const members = (memberIndexes[c] as number[]).map((i) => cells[i] ?? NOT_LISTED);
      return column.kind === "fund" ? (members[0] as FlowCell) : sumCells(members, column.funds);
    });
    const awaiting = funds.filter((_, i) => cells[i]?.state === "missing").map((fund) => fund.ticker);
    const trading = cells.filter((cell) => cell.state !== "not_listed" && cell.state !== "closed").length;
    dayRows.push({
      kind: "day",
      date,
      cells: out,
      awaiting,
      completeness: awaiting.length === 0 ? "complete" : awaiting.length === trading ? "none" : "partial",
    });
  }
  const days = dayRows.filter((row): row is DayRow => row.kind === "day");
  const sumOver = (kind: SumRow["kind"], label: string, list: DayRow[]): SumRow => ({
    kind,
    label,
    from: list[0]?.date ?? "",
    to: list.at(-1)?.date ?? "",
    cells: columns.map((_, c) => sumCells(list.map((row) => row.cells[c] as FlowCell))),
  });
  // Each ISO week's sum right after its last day in this year.
  const rows: (DayRow | ClosedRow | SumRow)[] = [];
  let week: DayRow[] = [];
  dayRows.forEach((row, i) => {
    rows.push(row);
    if (row.kind === "day") week.push(row);
    const next = dayRows[i + 1];
    if (week.length > 0 && (!next || isoWeek(next.date) !== isoWeek(row.date))) {
      const label = isoWeek(week[0]?.date ?? row.date);
      rows.push(sumOver("week", label, week));
      week = [];
    }
  });
  const monthsOf = new Map<string, DayRow[]>();
  for (const row of days)
    monthsOf.set(row.date.slice(0, 7), [...(monthsOf.get(row.date.slice(0, 7)) ?? []), row]);
  const months = [...monthsOf].map(([month, list]) => sumOver("month", month, list));
  const first = dayRows[0]?.date ?? `${year}-01-01`;
  const lastShown = dayRows.at(-1)?.date ?? last;
  const cumulativeCells = columns.map((column): FlowCell => {
    let value = 0n;
    let any = false;
    for (const ticker of column.funds) {
      const fund = byTicker.get(ticker);
      const day = fund?.on(lastShown);
      if (!fund || !day || day.state === "not_listed") continue;
      any = true;
      value += fund.cumulative(lastShown, unit);
    }
    return any ? { value, state: "final" } : { value: null, state: "not_listed" };
  });
  const levels = columns.map((column) => {
    let sum = 0;
    for (const ticker of column.funds) sum += byTicker.get(ticker)?.level(lastShown, unit) ?? 0;
    return sum;
  });
  const whole = funds.reduce((sum, fund) => sum + (fund.level(lastShown, unit) ?? 0), 0);
  return {
    scope: spec.scope,
    unit,
    year,
    decimals: unit === "usd" ? 2 : (funds[0]?.decimals ?? 8),
    columns,
    rows,
    months,
    total: sumOver("year", year, days),
    cumulative: {
      kind: "cumulative",
      label: "since listing",
      from: "",
      to: lastShown,
      cells: cumulativeCells,
    },
    share: { date: lastShown, values: levels.map((level) => (whole > 0 ? level / whole : null)) },
    first,
    last: lastShown,
  };
}

const MINUS = "\u2212";

/**
 * An exact amount to one decimal, rounded half to even once: cents as US$ millions ("95.1",
 * "−1,234.5"), or coins in the smallest unit as coins ("−1,428.6"). Negative figures carry a minus
 * sign; Farside prints them in brackets, (95.1).
 */
export function tenths(value: bigint, unit: FlowUnit, decimals: number): string {
  // Cents → tenths of a million: ÷ 10^7. Smallest units → tenths of a coin: ÷ 10^(decimals − 1).
  const divisor = unit === "usd" ? pow10(7) : pow10(Math.max(0, decimals - 1));
  const rounded = divideRounded(value, divisor);
  const negative = rounded < 0n;
  const digits = formatDecimal(negative ? -rounded : rounded, 1);
  const [whole = "0", fraction = "0"] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? MINUS : ""}${grouped}.${fraction}`;
}

/** An exact amount for the CSV files: US$ millions or coins, as many decimals as it needs, at least one. */
export function exact(value: bigint, unit: FlowUnit, decimals: number): string {
  const scale = unit === "usd" ? 8 : decimals;
  const text = formatDecimal(value, scale).replace(/0+$/, "");
  return text.endsWith(".") ? `${text}0` : text;
}

/** The years a table can be paged by: from the first listing among its funds to the report date's. */
export function tableYears(firstListing: string, reportDate: string): string[] {
  const years: string[] = [];
  for (let year = Number(firstListing.slice(0, 4)); year <= Number(reportDate.slice(0, 4)); year++)
    years.push(String(year));
  return years;
}
