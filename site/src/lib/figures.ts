// Figures: a chart, a title, a description written from the numbers, and the numbers as a table.
// The same builders serve the fund, issuer, asset and trend pages (see also attribution.ts, stacks.ts).
import { monthOf } from "../../../shared/dates.ts";
import { type Bar, barChart } from "./bar-charts.ts";
import { weekOf } from "./calendar.ts";
import { COLOR } from "./chart-colors.ts";
import type { Band, DatedValue, Marker } from "./chart-parts.ts";
import * as f from "./format.ts";
import { lineChart } from "./line-charts.ts";
import { type Slice, statusTag } from "./slices.ts";
import { type Cell, type TableData, toned } from "./table.ts";

export interface LegendEntry {
  label: string;
  color: string;
  /** Drawn as a line (the net change) or a light band (a shaded span); else a swatch. */
  kind?: "line" | "band";
}

/** A numbered annotation listed under a chart: what happened that day, and where it is from. */
export interface Note {
  label: string;
  date: string;
  text: string;
  /** Where the fact comes from, linked when it is an address. */
  source?: { text: string; href?: string | undefined } | undefined;
  /** A page of this site that says more. */
  href?: string | undefined;
}

export interface FigureData {
  id: string;
  title: string;
  description: string;
  svg: string;
  legend?: LegendEntry[];
  table: TableData;
  /** Says how the table was thinned, when it was. */
  tableNote?: string | undefined;
  /** The annotations the chart numbers, listed under it. */
  notes?: Note[] | undefined;
  /** Words beside the chart: how to read it, or what it cannot say. */
  aside?: string | undefined;
}

const MAX_TABLE_ROWS = 120;

/** Long daily series keep one row a week (the last day), longer ones one a month, so pages stay light. */
export function thin<T extends { date: string }>(rows: T[]): { rows: T[]; note?: string } {
  if (rows.length <= MAX_TABLE_ROWS) return { rows };
  const lastOf = (key: (date: string) => string) =>
    rows.filter((row, i) => {
      const next = rows[i + 1];
      return next === undefined || key(row.date) !== key(next.date);
    });
  const weekly = lastOf(weekOf);
  if (weekly.length <= MAX_TABLE_ROWS * 2) return { rows: weekly, note: "one row a week: its last day" };
  return { rows: lastOf(monthOf), note: "one row a month: its last day" };
}

const labelOf = (slice: Slice) =>
  slice.label.includes("-W")
    ? f.week(slice.label)
    : slice.label.length === 7
      ? f.month(slice.label)
      : f.date(slice.label);

const statusCell = (slice: Slice): Cell => statusTag(slice);

function firstAndLast<T>(rows: T[]): [T, T] | undefined {
  const first = rows[0];
  const last = rows.at(-1);
  return first && last ? [first, last] : undefined;
}

/** Options every trend figure takes: numbered annotations and shaded spans, with their legend. */
export interface TrendOptions {
  notes?: Note[];
  bands?: Band[];
  bandLegend?: LegendEntry[];
  aside?: string;
  /** The area under an AUM line; off where shaded spans would show through it. */
  area?: boolean;
}

const markersOf = (notes: Note[] | undefined): Marker[] =>
  (notes ?? []).map((note) => ({ date: note.date, label: note.label }));

/** Days before any fund of the group listed (a trust's holdings) are no part of its trend. */
export const listed = (days: Slice[]) => days.filter((day) => day.status !== "not_listed");

export function aumFigure(
  id: string,
  subject: string,
  allDays: Slice[],
  options: TrendOptions = {},
): FigureData {
  const days = listed(allDays);
  const points = days.map((day) => ({ date: day.start, value: day.aum }));
  const ends = firstAndLast(days);
  const title = `${subject}: assets under management`;
  const description = ends
    ? `AUM went from ${f.usd(ends[0].aum)} on ${f.date(ends[0].start)} to ${f.usd(ends[1].aum)} on ${f.date(ends[1].end)}.`
    : "No figures yet.";
  const { rows, note } = thin(points);
  return {
    id,
    title,
    description,
    svg: lineChart(title, points, {
      format: "usd",
      area: options.area ?? true,
      zero: options.area === false,
      markers: markersOf(options.notes),
      bands: options.bands,
    }),
    legend: options.bandLegend,
    table: {
      columns: [{ label: "Date" }, { label: "AUM", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), f.usd(p.value)]),
    },
    tableNote: note,
    notes: options.notes,
    aside: options.aside,
  };
}

/** Net flows as bars; the caller picks the span (daily bars are best kept to the last months). */
export function flowsFigure(id: string, subject: string, slices: Slice[], period: "day" | "week" | "month") {
  const interval = period === "day" ? "day" : period === "week" ? "monday" : "month";
  const bars: Bar[] = slices
    .filter((s) => s.status !== "closed" && s.status !== "not_listed")
    .map((s) => ({
      date: s.start,
      value: s.flow,
      // A partial day's bar is what has been reported so far: drawn faint, like a provisional one.
      faint: s.status === "provisional" || s.status === "partial",
      missing: s.status === "missing",
    }));
  const reported = bars.filter((bar) => bar.value !== null);
  const total = reported.reduce((sum, bar) => sum + (bar.value ?? 0), 0);
  const inflows = reported.filter((bar) => (bar.value ?? 0) > 0).length;
  // The span is that of the listed periods: a group's record may start with a trust's days before any fund listed.
  const ends = firstAndLast(slices.filter((s) => s.status !== "not_listed"));
  const span = ends ? f.dateRange(ends[0].start, ends[1].end) : "";
  const unit = { day: "day", week: "week", month: "month" }[period];
  const title = `${subject}: net flows by ${unit}`;
  const partial = slices.some((s) => s.status === "partial");
  const provisional = slices.some((s) => s.status === "provisional");
  const faintWhat = [
    provisional && "provisional figures",
    partial && `partial ${unit}s (some funds with no figure)`,
  ]
    .filter(Boolean)
    .join(" and ");
  const faint = faintWhat
    ? ` ${faintWhat.charAt(0).toUpperCase()}${faintWhat.slice(1)} are drawn faint.`
    : "";
  const missing = bars.some((bar) => bar.missing) ? " Days with no flow on record yet are marked ×." : "";
  return {
    id,
    title,
    description: `${span}: ${f.signedUsd(total)} in all; ${inflows} of ${f.plural(reported.length, unit)} with reported flows had net inflows.${faint}${missing}`,
    svg: barChart(title, bars, { interval, format: "usd" }),
    legend: [
      { label: "inflow", color: COLOR.inflow },
      { label: "outflow", color: COLOR.outflow },
    ],
    table: {
      columns: [
        { label: period === "day" ? "Date" : "Period" },
        { label: "Net flow", numeric: true },
        { label: "Note" },
      ],
      rows: slices
        .filter((s) => s.status !== "not_listed")
        .map((s) => [labelOf(s), toned(f.signedUsd(s.flow), s.flow), statusCell(s)]),
    },
  } satisfies FigureData;
}

export function cumulativeFigure(
  id: string,
  subject: string,
  allDays: Slice[],
  options: TrendOptions = {},
): FigureData {
  const days = listed(allDays);
  const points = days.map((day) => ({ date: day.start, value: day.cumulative }));
  const last = days.at(-1);
  const title = `${subject}: cumulative net flows`;
  const { rows, note } = thin(points);
  return {
    id,
    title,
    description: last
      ? `Everything investors put in minus everything they took out: ${f.signedUsd(last.cumulative)} by ${f.date(last.end)}.`
      : "No flows yet.",
    svg: lineChart(title, points, { format: "usd", zero: true, markers: markersOf(options.notes) }),
    table: {
      columns: [{ label: "Date" }, { label: "Cumulative net flow", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), toned(f.signedUsd(p.value), p.value)]),
    },
    tableNote: note,
    notes: options.notes,
  };
}

/** A single indicator over time (growth rate, breadth, share, coins, price). */
export function lineFigure(
  id: string,
  title: string,
  description: string,
  points: DatedValue[],
  options: {
    format: "usd" | "percent" | "number";
    zero?: boolean;
    thresholds?: number[];
    show: (value: number | null) => string;
  } & TrendOptions,
): FigureData {
  const { rows, note } = thin(points);
  const { format, zero, thresholds, bands } = options;
  return {
    id,
    title,
    description,
    svg: lineChart(title, points, { format, zero, thresholds, bands, markers: markersOf(options.notes) }),
    legend: options.bandLegend,
    notes: options.notes,
    aside: options.aside,
    table: {
      columns: [{ label: "Date" }, { label: "Value", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), options.show(p.value)]),
    },
    tableNote: note,
  };
}
