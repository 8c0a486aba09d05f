// How complete a day is: a day every listed fund has reported ("complete"), one some funds have not
// reported yet ("partial", with the funds awaited), one no fund has reported ("none"), or no trading
// day at all (null). Headline figures are those of the last complete day and say so; a partial day is
// shown as partial with the funds awaited named, never as a quietly low total.
//
// The API adds these fields to aggregate rows and the summary. Until every API it is built from
// serves them, the site works them out from what it already has (the summary's list of missing
// fund-days), so the pages say the same thing either way.
import type { AggregateRow, Summary } from "../../../shared/export.ts";
import * as f from "./format.ts";

export type Completeness = "complete" | "partial" | "none" | null;

/** What an aggregate row says about its own completeness (optional until the API serves it). */
export interface RowCompleteness {
  completeness?: Completeness;
  /** Tickers of the group's listed funds with no figure yet. */
  awaiting?: string[];
  funds_missing?: number;
  funds_provisional?: number;
}

export type CompleteRow = AggregateRow & RowCompleteness;

/** An asset's line of the summary, with the fields the API adds. */
export interface AssetHeadline {
  asset: string;
  aum_usd: string;
  /** The asset's last day every one of its funds has reported. */
  headline_date?: string | null;
  /** The asset's net flow on its headline date. */
  net_flow_usd?: string | null;
  /** Of the report date. */
  completeness?: Completeness;
  awaiting?: string[];
}

export interface SummaryCompleteness {
  /** The last day every fund has reported. */
  headline_date?: string | null;
  report_date_completeness?: Completeness;
  report_date_awaiting?: string[];
}

export type CompleteSummary = Omit<Summary, "by_asset"> & SummaryCompleteness & { by_asset: AssetHeadline[] };

export interface DayCompleteness {
  completeness: Completeness;
  awaiting: readonly string[];
}

/**
 * A row's completeness: the API's when it gives one, else from the funds known to be missing on the
 * row's dates (`missing`: tickers of the group with no flow on record then, from the summary).
 */
export function completenessOf(row: CompleteRow, missing: readonly string[]): DayCompleteness {
  if (row.completeness !== undefined) return { completeness: row.completeness, awaiting: row.awaiting ?? [] };
  if (row.funds_listed === 0) return { completeness: null, awaiting: [] };
  if (row.net_flow_usd === null)
    return { completeness: missing.length > 0 ? "none" : null, awaiting: missing };
  return { completeness: missing.length > 0 ? "partial" : "complete", awaiting: missing };
}

/** The last of some day rows (oldest first) that every fund has reported. */
export function lastComplete<T extends { start: string }>(
  rows: readonly T[],
  completeness: (row: T) => Completeness,
): T | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i] as T;
    if (completeness(row) === "complete") return row;
  }
  return undefined;
}

/** A day's state in words: "21 Aug 2026: partial, awaiting IBIT, FBTC". */
export function dayInWords(date: string, day: DayCompleteness): string {
  return `${f.date(date)}: ${stateInWords(day)}`;
}

/** "partial, awaiting IBIT, FBTC", "every fund has reported", "no fund has reported yet", "no trading". */
export function stateInWords(day: DayCompleteness): string {
  switch (day.completeness) {
    case "complete":
      return "every fund has reported";
    case "partial":
      return day.awaiting.length > 0 ? `partial, awaiting ${f.names(day.awaiting)}` : "partial";
    case "none":
      return "no fund has reported yet";
    default:
      return "no trading";
  }
}

/** The headline's label: "Net flow on 20 Aug 2026, the last day every fund has reported". */
export function headlineLabel(what: string, date: string | null, funds = "every fund"): string {
  if (date === null) return `${what}: no day yet on which ${funds} has reported`;
  return `${what} on ${f.date(date)}, the last day ${funds} has reported`;
}
