// What the flow tables' index pages say of a year's table: its total, its first and last day, its
// last day and week. Each is kept between builds by the year's fingerprint (build-units.ts, keptValue):
// an index page names every year of a thousand funds' table, and building each year's table again to
// read its total cost a build most of a minute when none of them had changed.
import { keptValue } from "./build-units.ts";
import { type FlowScope, flowTable } from "./flowdata.ts";
import type { DayRow, FlowCell, FlowTable } from "./flowtable.ts";
import { flowYearFingerprint } from "./incremental.ts";
import type { Model } from "./model.ts";

export interface FlowYearSummary {
  /** The first and last row's dates. */
  first: string;
  last: string;
  /** The Total column over the year. */
  total: FlowCell | null;
  /** The last trading day on record, with its Total. */
  lastDay: {
    date: string;
    completeness: DayRow["completeness"];
    awaiting: string[];
    total: FlowCell | null;
  } | null;
  /** The Total of the last week. */
  lastWeek: FlowCell | null;
}

/** The summary of one year's table in US$, from the table. */
export function summariseFlowYear(table: FlowTable): FlowYearSummary {
  const total = table.columns.length - 1;
  const lastDay = table.rows.findLast((row): row is DayRow => row.kind === "day");
  const lastWeek = table.rows.findLast((row) => row.kind === "week");
  return {
    first: table.first,
    last: table.last,
    total: table.total.cells[total] ?? null,
    lastDay: lastDay
      ? {
          date: lastDay.date,
          completeness: lastDay.completeness,
          awaiting: lastDay.awaiting,
          total: lastDay.cells[total] ?? null,
        }
      : null,
    lastWeek: lastWeek?.kind === "week" ? (lastWeek.cells[total] ?? null) : null,
  };
}

/** A year's summary in US$: kept from an earlier build of the same year, else from its table. */
export function flowYearSummary(model: Model, scope: FlowScope, year: string): FlowYearSummary {
  return keptValue(
    "flow-year-summary",
    flowYearFingerprint(model, scope, year, "usd"),
    () => summariseFlowYear(flowTable(model, scope, year, "usd")),
    CODEC,
  );
}

/** Cells carry exact bigints, which JSON has not: their value is kept as its decimal text. */
const encodeCell = (cell: FlowCell | null) => cell && { ...cell, value: cell.value?.toString() ?? null };
const decodeCell = (cell: (Omit<FlowCell, "value"> & { value: string | null }) | null): FlowCell | null =>
  cell && { ...cell, value: cell.value === null ? null : BigInt(cell.value) };

type Encoded = ReturnType<typeof encode>;
const encode = (summary: FlowYearSummary) => ({
  ...summary,
  total: encodeCell(summary.total),
  lastDay: summary.lastDay && { ...summary.lastDay, total: encodeCell(summary.lastDay.total) },
  lastWeek: encodeCell(summary.lastWeek),
});

const CODEC = {
  encode,
  decode: (json: unknown): FlowYearSummary => {
    const kept = json as Encoded;
    return {
      ...kept,
      total: decodeCell(kept.total),
      lastDay: kept.lastDay && { ...kept.lastDay, total: decodeCell(kept.lastDay.total) },
      lastWeek: decodeCell(kept.lastWeek),
    };
  },
};
