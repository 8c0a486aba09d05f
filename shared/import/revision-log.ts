// Farside's revision log (data/market/farside-revision-log.csv): every cell that changed between two
// consecutive captures of the tables. The tables as first captured are the last capture with every
// logged change undone; applying the changes in time order gives every later capture back.

import { parseCsv } from "./csv.ts";
import { type FarsideTable, parseFarsideDate, parseMillions, SEED_LABEL } from "./farside-table.ts";

export const LOG_EVENTS = ["row_added", "changed", "column_added"] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];
export const TOTAL_COLUMN = "Total";

export interface LogChange {
  asset: string;
  /** The row as the table labels it: "17 Nov 2025", or "Seed". */
  label: string;
  /** Null for the Seed row. */
  date: string | null;
  column: string;
  event: LogEvent;
  old: bigint | null;
  new: bigint | null;
  commit: string;
  /** When the capture saw the change (ISO, UTC). */
  time: string;
  line: number;
}

const HEADER = [
  "asset",
  "row_date",
  "column",
  "event",
  "old_value",
  "new_value",
  "commit",
  "commit_time_utc",
];
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** The log's changes in time order (a commit's own in the log's order); an empty value is "-". */
export function parseRevisionLog(text: string, file = "revision log"): LogChange[] {
  const table = parseCsv(text);
  const missing = HEADER.filter((name) => !table.header.includes(name));
  if (missing.length > 0)
    throw new Error(`${file}: no column ${missing.join(", ")} (expected ${HEADER.join(",")})`);
  const at = (name: string) => table.header.indexOf(name);
  const changes = table.rows.map((cells, index): LogChange => {
    const line = table.lines[index] ?? 0;
    const where = `${file} line ${line}`;
    const cell = (name: string) => (cells[at(name)] ?? "").trim();
    const event = cell("event") as LogEvent;
    if (!LOG_EVENTS.includes(event))
      throw new Error(`${where}: event "${event}" is not ${LOG_EVENTS.join(", ")}`);
    const time = cell("commit_time_utc");
    if (!UTC_TIME.test(time) || Number.isNaN(Date.parse(time))) {
      throw new Error(`${where}: commit_time_utc "${time}" is not a UTC time like 2026-08-13T02:30:06Z`);
    }
    const label = cell("row_date");
    return {
      asset: cell("asset"),
      label,
      date: label === SEED_LABEL ? null : parseFarsideDate(label, where),
      column: cell("column"),
      event,
      old: parseMillions(cell("old_value"), `${where}, old_value`),
      new: parseMillions(cell("new_value"), `${where}, new_value`),
      commit: cell("commit"),
      time,
      line,
    };
  });
  // The log is grouped by table, not by time; a stable sort keeps each commit's changes in order.
  return changes.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/**
 * Which table each asset of the log is about: the one table holding every fund column the log names
 * for it, so no file naming convention is needed.
 */
export function tablesByAsset(
  tables: readonly FarsideTable[],
  log: readonly LogChange[],
): Map<string, FarsideTable> {
  const columns = new Map<string, Set<string>>();
  for (const change of log) {
    const set = columns.get(change.asset) ?? new Set<string>();
    if (change.column !== TOTAL_COLUMN) set.add(change.column);
    columns.set(change.asset, set);
  }
  const byAsset = new Map<string, FarsideTable>();
  for (const [asset, names] of columns) {
    const matches = tables.filter((table) => [...names].every((name) => table.tickers.includes(name)));
    if (matches.length !== 1) {
      const found = matches.length === 0 ? "none of the tables given has" : "several tables have";
      throw new Error(`revision log: ${found} every column it names for ${asset} (${[...names].join(", ")})`);
    }
    byAsset.set(asset, matches[0] as FarsideTable);
  }
  const unrevised = tables.filter((table) => ![...byAsset.values()].includes(table));
  if (unrevised.length > 0) {
    // Replaying it would claim it stood unchanged since the first capture, which nothing says.
    throw new Error(
      `revision log: no change for ${unrevised.map((table) => table.file).join(", ")}; import it without --replay`,
    );
  }
  return byAsset;
}
