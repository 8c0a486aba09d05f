// The tables between captures: the last capture with the log's changes undone (the first capture),
// and any moment after it with the changes seen by then applied again.

import { type FarsideRow, type FarsideTable, formatMillions } from "./farside-table.ts";
import { type LogChange, TOTAL_COLUMN, tablesByAsset } from "./revision-log.ts";

/** A table that changes cell by cell; rows come and go as the log adds them. */
export class TableState {
  readonly file: string;
  readonly tickers: readonly string[];
  readonly rows = new Map<string, FarsideRow>();
  readonly carriedOver: Set<string>;
  private readonly columns: Map<string, number>;

  constructor(table: FarsideTable) {
    this.file = table.file;
    this.tickers = table.tickers;
    this.carriedOver = new Set(table.carriedOver);
    this.columns = new Map(table.tickers.map((ticker, index) => [ticker, index]));
    for (const row of [...(table.seed ? [table.seed] : []), ...table.rows]) {
      this.rows.set(row.label, { ...row, cells: [...row.cells] });
    }
  }

  get(label: string, column: string): bigint | null | undefined {
    const row = this.rows.get(label);
    if (!row) return undefined;
    return column === TOTAL_COLUMN ? row.total : row.cells[this.index(column)];
  }

  set(change: LogChange, value: bigint | null): FarsideRow {
    let row = this.rows.get(change.label);
    if (!row) {
      if (change.event !== "row_added")
        throw new Error(`revision log line ${change.line}: no row ${change.label}`);
      row = {
        label: change.label,
        date: change.date,
        line: 0,
        cells: this.tickers.map(() => null),
        total: null,
      };
      this.rows.set(change.label, row);
    }
    if (change.column === TOTAL_COLUMN) row.total = value;
    else row.cells[this.index(change.column)] = value;
    return row;
  }

  index(column: string): number {
    const index = this.columns.get(column);
    if (index === undefined) throw new Error(`${this.file}: no column ${column}`);
    return index;
  }

  /** The state as a table, the rows in date order. */
  toTable(): FarsideTable {
    const all = [...this.rows.values()].map((row) => ({ ...row, cells: [...row.cells] }));
    const rows = all
      .filter((row) => row.date !== null)
      .sort((a, b) => ((a.date ?? "") < (b.date ?? "") ? -1 : 1));
    const seed = all.find((row) => row.date === null);
    return {
      file: this.file,
      tickers: [...this.tickers],
      rows,
      carriedOver: new Set(this.carriedOver),
      ...(seed && { seed }),
    };
  }
}

/**
 * The tables as first captured: walks the log backwards from the last capture, checking that each
 * cell holds what the change made of it. A row the log added did not exist before; a column it added
 * held nothing (it is all "-" by then, which is what the first capture showed of it).
 */
export function undoLog(
  finalTables: ReadonlyMap<string, FarsideTable>,
  log: readonly LogChange[],
): Map<string, TableState> {
  const states = new Map([...finalTables].map(([asset, table]) => [asset, new TableState(table)]));
  const added = new Set<string>();
  const addedColumns = new Set<string>();
  for (let i = log.length - 1; i >= 0; i--) {
    const change = log[i] as LogChange;
    const state = states.get(change.asset) as TableState;
    const now = state.get(change.label, change.column);
    if (now === undefined || now !== change.new) {
      throw new Error(
        `revision log line ${change.line}: ${change.asset} ${change.label} ${change.column} should be ` +
          `${show(change.new)} in the table at that point, but is ${now === undefined ? "a missing row" : show(now)}`,
      );
    }
    state.set(change, change.old);
    if (change.event === "row_added") added.add(`${change.asset}|${change.label}`);
    if (change.event === "column_added") addedColumns.add(`${change.asset}|${change.column}`);
  }
  for (const key of addedColumns) {
    const [asset = "", column = ""] = key.split("|");
    const state = states.get(asset) as TableState;
    const index = state.index(column);
    const held = [...state.rows.values()].find((row) => row.cells[index] !== null);
    if (held)
      throw new Error(
        `revision log: ${asset} ${column} was added by the log but ${held.label} holds a figure it never logged`,
      );
  }
  for (const key of added) {
    const [asset = "", label = ""] = key.split("|");
    const state = states.get(asset) as TableState;
    const row = state.rows.get(label) as FarsideRow;
    if (row.total !== null || row.cells.some((cell) => cell !== null)) {
      throw new Error(
        `revision log: ${asset} ${label} was added by the log but holds figures it never logged`,
      );
    }
    state.rows.delete(label);
  }
  return states;
}

function show(value: bigint | null): string {
  return value === null ? '"-"' : formatMillions(value);
}

/** The tables as captured at `until`: the first capture with every change seen by then applied. */
export function tablesAt(
  finalTables: readonly FarsideTable[],
  log: readonly LogChange[],
  until: string,
): Map<string, FarsideTable> {
  const states = undoLog(tablesByAsset(finalTables, log), log);
  for (const change of log) {
    if (change.time > until) break;
    states.get(change.asset)?.set(change, change.new);
  }
  return new Map([...states].map(([asset, state]) => [asset, state.toTable()]));
}
