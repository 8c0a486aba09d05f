// Replays Farside's revision log as the public saw it: the first capture, then every change at the
// time it was observed. Each moment's flows follow the rules of a plain import (farside-flows.ts), so
// when a cell's status moves (its row got a figure, or a newer row appeared) it is sent again, and the
// last value sent for every key is what a plain import of the last capture sends.

import { formatDecimal, USD_SCALE } from "../decimal.ts";
import { flowStatus, isBeforeListing, latestRow, preListingWarning } from "./farside-flows.ts";
import { FARSIDE_SOURCE, type FarsideRow, type FarsideTable, totalMismatches } from "./farside-table.ts";
import { type TableState, undoLog } from "./log-state.ts";
import { type ListingDates, requireKnownFunds } from "./reference.ts";
import { seedObservedAt } from "./replay-seeds.ts";
import { type LogChange, TOTAL_COLUMN, tablesByAsset } from "./revision-log.ts";
import { seedEvents } from "./seeds.ts";
import type { ReplayFlow, SeedEvent } from "./types.ts";

export interface ReplaySummary {
  /** When the first capture is taken to have been seen: the log's earliest time. */
  firstObservedAt: string;
  /** Flows in the first capture. */
  firstCells: number;
  /** Entries of the log applied, and those on fund cells of dated rows (not Total, not Seed). */
  logChanges: number;
  cellChanges: number;
  /** Rows sent after the first capture, by what they did to their key. */
  added: number;
  restated: number;
  statusOnly: number;
  withdrawn: number;
  /** Pre-listing cells, each counted once however often the log touched it. */
  dropped: number;
}

export interface Replay {
  /** Every row to send, in time order, each with its observed_at. */
  rows: ReplayFlow[];
  seeds: SeedEvent[];
  warnings: string[];
  summary: ReplaySummary;
}

export function replayRevisionLog(
  finalTables: readonly FarsideTable[],
  log: readonly LogChange[],
  listedOn: ListingDates,
  options: { firstObservedAt?: string } = {},
): Replay {
  requireKnownFunds(finalTables, listedOn);
  const byAsset = tablesByAsset(finalTables, log);
  const states = undoLog(byAsset, log);
  const firstObservedAt = options.firstObservedAt ?? log[0]?.time ?? new Date(0).toISOString();
  const sender = new Sender(listedOn, firstObservedAt, finalTables.flatMap(totalMismatches));
  sender.summary.logChanges = log.length;
  for (const state of states.values()) {
    const latest = latestRow(state.rows.values());
    for (const row of state.rows.values()) sender.row(state, row, latest, firstObservedAt);
  }
  sender.firstPass = false;
  for (const commit of commits(log)) {
    const touched = new Map<TableState, { latest: FarsideRow | undefined; cells: [FarsideRow, number][] }>();
    for (const change of commit) {
      const state = states.get(change.asset) as TableState;
      const entry = touched.get(state) ?? { latest: latestRow(state.rows.values()), cells: [] };
      touched.set(state, entry);
      const row = state.set(change, change.new);
      if (change.column === TOTAL_COLUMN || row.date === null) continue;
      sender.summary.cellChanges += 1;
      entry.cells.push([row, state.index(change.column)]);
    }
    const time = commit[0]?.time ?? firstObservedAt;
    for (const [state, { latest: before, cells }] of touched) {
      const latest = latestRow(state.rows.values());
      for (const [row, index] of cells) sender.cell(state, row, index, latest, time);
      // Statuses depend on which row is the latest and on what it holds.
      sender.row(state, before, latest, time);
      sender.row(state, latest, latest, time);
    }
  }
  const seeds = finalTables.flatMap((table) => {
    const found = seedEvents(table, listedOn);
    sender.warnings.push(...found.warnings);
    return found.seeds;
  });
  const assetOf = new Map([...byAsset].map(([asset, table]) => [table, asset]));
  const timed = seedObservedAt(seeds, finalTables, assetOf, log, firstObservedAt);
  return { rows: sender.rows, seeds: timed, warnings: sender.warnings, summary: sender.summary };
}

/** Keeps what was last sent for every key and sends a row only when the table now says otherwise. */
class Sender {
  readonly rows: ReplayFlow[] = [];
  readonly summary: ReplaySummary;
  readonly warnings: string[];
  firstPass = true;
  private readonly listedOn: ListingDates;
  private readonly sent = new Map<string, { cents: bigint | null; status: ReplayFlow["status"] }>();
  private readonly dropped = new Set<string>();

  constructor(listedOn: ListingDates, firstObservedAt: string, warnings: string[]) {
    this.listedOn = listedOn;
    this.warnings = warnings;
    this.summary = {
      firstObservedAt,
      firstCells: 0,
      logChanges: 0,
      cellChanges: 0,
      added: 0,
      restated: 0,
      statusOnly: 0,
      withdrawn: 0,
      dropped: 0,
    };
  }

  row(state: TableState, row: FarsideRow | undefined, latest: FarsideRow | undefined, time: string): void {
    if (!row?.date) return;
    for (let index = 0; index < row.cells.length; index++) this.cell(state, row, index, latest, time);
  }

  cell(
    state: TableState,
    row: FarsideRow,
    index: number,
    latest: FarsideRow | undefined,
    time: string,
  ): void {
    const fund = state.tickers[index] ?? "";
    const date = row.date ?? "";
    const key = `${fund}|${date}`;
    const cents = this.figure(state, row, index, key);
    const before = this.sent.get(key);
    if (cents === null) {
      // Nothing to take back unless a figure was sent.
      if (before === undefined || before.cents === null) return;
      this.rows.push({ fund, date, status: "withdrawn", source: FARSIDE_SOURCE, observed_at: time });
      this.summary.withdrawn += 1;
      this.sent.set(key, { cents, status: "withdrawn" });
      return;
    }
    const status = flowStatus(row, latest);
    if (before && before.cents === cents && before.status === status) return;
    const net_flow_usd = formatDecimal(cents, USD_SCALE);
    this.rows.push({ fund, date, net_flow_usd, status, source: FARSIDE_SOURCE, observed_at: time });
    this.sent.set(key, { cents, status });
    if (this.firstPass) this.summary.firstCells += 1;
    else if (before === undefined || before.cents === null) this.summary.added += 1;
    else if (before.cents !== cents) this.summary.restated += 1;
    else this.summary.statusOnly += 1;
  }

  /** The cell's figure as a flow: none for "-", nor for a day before the fund listed. */
  private figure(state: TableState, row: FarsideRow, index: number, key: string): bigint | null {
    const cents = row.cells[index] ?? null;
    const [fund = "", date = ""] = key.split("|");
    if (cents === null || !isBeforeListing(fund, date, this.listedOn)) return cents;
    if (!this.dropped.has(key)) {
      this.dropped.add(key);
      this.summary.dropped += 1;
      this.warnings.push(
        preListingWarning(state.file, row.label, fund, cents, this.listedOn.get(fund) ?? ""),
      );
    }
    return null;
  }
}

/** The log's changes grouped by commit, in time order. */
function* commits(log: readonly LogChange[]): Generator<LogChange[]> {
  let group: LogChange[] = [];
  for (const change of log) {
    const first = group[0];
    if (first && (first.commit !== change.commit || first.time !== change.time)) {
      yield group;
      group = [];
    }
    group.push(change);
  }
  if (group.length > 0) yield group;
}
