// Figures: a chart, a title, a description written from the numbers, and the numbers as a table.
// The same builders serve the fund, issuer, asset and trend pages.
import { isoWeek, monthOf } from "../../../shared/dates.ts";
import {
  type AttributionRow,
  attributionChart,
  type Bar,
  barChart,
  COLOR,
  type DatedValue,
  lineChart,
  REST_COLOR,
  SERIES,
  type StackRow,
  type Step,
  stackedAreaChart,
  waterfallChart,
} from "./charts.ts";
import * as f from "./format.ts";
import { aumChange, type Slice, STATUS_LABEL } from "./slices.ts";
import { type Cell, type TableData, toned } from "./table.ts";

export interface LegendEntry {
  label: string;
  color: string;
}

export interface FigureData {
  id: string;
  title: string;
  description: string;
  svg: string;
  legend?: LegendEntry[];
  table: TableData;
  /** Says how the table was thinned, when it was. */
  tableNote?: string;
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
  const weekly = lastOf(isoWeek);
  if (weekly.length <= MAX_TABLE_ROWS * 2) return { rows: weekly, note: "one row a week: its last day" };
  return { rows: lastOf(monthOf), note: "one row a month: its last day" };
}

const labelOf = (slice: Slice) =>
  slice.label.includes("-W")
    ? f.week(slice.label)
    : slice.label.length === 7
      ? f.month(slice.label)
      : f.date(slice.label);

const statusCell = (slice: Slice): Cell => STATUS_LABEL[slice.status];

function firstAndLast<T>(rows: T[]): [T, T] | undefined {
  const first = rows[0];
  const last = rows.at(-1);
  return first && last ? [first, last] : undefined;
}

export function aumFigure(id: string, subject: string, days: Slice[]): FigureData {
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
    svg: lineChart(title, points, { format: "usd", area: true }),
    table: {
      columns: [{ label: "Date" }, { label: "AUM", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), f.usd(p.value)]),
    },
    tableNote: note,
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
      faint: s.status === "provisional",
      missing: s.status === "missing",
    }));
  const reported = bars.filter((bar) => bar.value !== null);
  const total = reported.reduce((sum, bar) => sum + (bar.value ?? 0), 0);
  const inflows = reported.filter((bar) => (bar.value ?? 0) > 0).length;
  const ends = firstAndLast(slices);
  const span = ends ? f.dateRange(ends[0].start, ends[1].end) : "";
  const unit = { day: "day", week: "week", month: "month" }[period];
  const title = `${subject}: net flows by ${unit}`;
  const faint = bars.some((bar) => bar.faint) ? " Provisional figures are drawn faint." : "";
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

export function cumulativeFigure(id: string, subject: string, days: Slice[]): FigureData {
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
    svg: lineChart(title, points, { format: "usd", zero: true }),
    table: {
      columns: [{ label: "Date" }, { label: "Cumulative net flow", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), toned(f.signedUsd(p.value), p.value)]),
    },
    tableNote: note,
  };
}

/** Per week or month: how much of the AUM change came from investors, the price, and the rest. */
export function attributionFigure(
  id: string,
  subject: string,
  periods: Slice[],
  period: "week" | "month",
  openingOther = 0,
) {
  // Coins already held on the first day of the record (GBTC's ten years as a trust) enter as "other";
  // they are the starting level, not a change, and would dwarf every later bar.
  const [first, ...rest] = periods;
  const slices = first && openingOther !== 0 ? [{ ...first, other: first.other - openingOther }, ...rest] : periods;
  const openingNote =
    Math.abs(openingOther) >= 1
      ? ` The first ${period} leaves out the ${f.usd(openingOther)} of coins already held on the first day of the record: they are the starting level, not a change.`
      : "";
  const parts = slices.flatMap((s): AttributionRow[] => [
    { date: s.start, part: "Investors (flows)", value: s.flow ?? 0 },
    { date: s.start, part: "Price (market)", value: s.market },
    { date: s.start, part: "Other and fees", value: s.other + s.fee },
  ]);
  const net = slices.map((s) => ({ date: s.start, value: aumChange(s) }));
  const flows = slices.reduce((sum, s) => sum + (s.flow ?? 0), 0);
  const market = slices.reduce((sum, s) => sum + s.market, 0);
  const title = `${subject}: where each ${period}'s AUM change came from`;
  return {
    id,
    title,
    description: `Each bar splits a ${period}'s change in AUM into what investors did (flows), what the price did to the coins already held (market), and the rest (fees, corporate actions, reconciliation); the dot is the net change. Over the whole span investors added ${f.signedUsd(flows)} and the price ${f.signedUsd(market)}.${openingNote}`,
    svg: attributionChart(title, parts, net, period === "week" ? "monday" : "month"),
    legend: [
      { label: "investors (flows)", color: COLOR.flow },
      { label: "price (market)", color: COLOR.market },
      { label: "other and fees", color: COLOR.other },
    ],
    table: attributionTable(slices),
  } satisfies FigureData;
}

export function attributionTable(slices: Slice[]): TableData {
  return {
    columns: [
      { label: "Period" },
      { label: "AUM change", numeric: true },
      { label: "Flows", numeric: true },
      { label: "Market", numeric: true },
      { label: "Other", numeric: true },
      { label: "Fees", numeric: true },
      { label: "AUM at end", numeric: true },
      { label: "Note" },
    ],
    rows: slices.map((s) => [
      labelOf(s),
      toned(f.signedUsd(aumChange(s)), aumChange(s)),
      toned(f.signedUsd(s.flow), s.flow),
      toned(f.signedUsd(s.market), s.market),
      f.signedUsd(s.other),
      f.signedUsd(s.fee),
      f.usd(s.aum),
      statusCell(s),
    ]),
  };
}

/** A single indicator over time (growth rate, breadth, share, coins, price). */
export function lineFigure(
  id: string,
  title: string,
  description: string,
  points: DatedValue[],
  options: { format: "usd" | "percent" | "number"; zero?: boolean; show: (value: number | null) => string },
): FigureData {
  const { rows, note } = thin(points);
  return {
    id,
    title,
    description,
    svg: lineChart(title, points, { format: options.format, zero: options.zero }),
    table: {
      columns: [{ label: "Date" }, { label: "Value", numeric: true }],
      rows: rows.map((p) => [f.date(p.date), options.show(p.value)]),
    },
    tableNote: note,
  };
}

export interface StackSeries {
  name: string;
  points: DatedValue[];
}

/**
 * AUM stacked by member (fund or issuer): the largest few by name, the rest together, so the chart
 * reads the same with ten funds or a thousand. `normalize` shows shares of the whole instead.
 */
export function stackFigure(
  id: string,
  title: string,
  description: string,
  members: StackSeries[],
  options: { normalize?: boolean; top?: number } = {},
): FigureData {
  const top = options.top ?? SERIES.length - 1;
  const shown = members.slice(0, top);
  const rest = members.slice(top);
  const series = shown.map((m, i) => ({ name: m.name, color: SERIES[i % SERIES.length] ?? REST_COLOR }));
  const rows: StackRow[] = shown.flatMap((m) =>
    m.points.map((p) => ({ date: p.date, series: m.name, value: p.value ?? 0 })),
  );
  if (rest.length > 0) {
    const restName = `${rest.length} others`;
    series.push({ name: restName, color: REST_COLOR });
    const sums = new Map<string, number>();
    for (const m of rest)
      for (const p of m.points) sums.set(p.date, (sums.get(p.date) ?? 0) + (p.value ?? 0));
    for (const [date, value] of [...sums].sort()) rows.push({ date, series: restName, value });
  }
  const dates = [...new Set(rows.map((r) => r.date))].sort().map((date) => ({ date }));
  const byKey = new Map(rows.map((r) => [`${r.series}\u0000${r.date}`, r.value]));
  const { rows: tableDates, note } = thin(dates);
  const show = (value: number, date: string) => {
    if (!options.normalize) return f.usd(value);
    const whole = series.reduce((sum, s) => sum + (byKey.get(`${s.name}\u0000${date}`) ?? 0), 0);
    return f.share(whole > 0 ? value / whole : null);
  };
  return {
    id,
    title,
    description,
    svg: stackedAreaChart(title, rows, series, { normalize: options.normalize }),
    legend: series.map((s) => ({ label: s.name, color: s.color })),
    table: {
      columns: [{ label: "Date" }, ...series.map((s) => ({ label: s.name, numeric: true }))],
      rows: tableDates.map(({ date }) => [
        f.date(date),
        ...series.map((s) => show(byKey.get(`${s.name}\u0000${date}`) ?? 0, date)),
      ]),
    },
    tableNote: note,
  };
}

/** One period's change as a walk from the opening AUM to the closing AUM. */
export function waterfallFigure(id: string, title: string, slice: Slice, opening: number): FigureData {
  const steps: Step[] = [
    { label: "AUM at start", value: opening, level: true },
    { label: "Investors", value: slice.flow ?? 0 },
    { label: "Price", value: slice.market },
    { label: "Other", value: slice.other },
    { label: "Fees", value: slice.fee },
    { label: "AUM at end", value: slice.aum, level: true },
  ];
  return {
    id,
    title,
    description: `AUM went from ${f.usd(opening)} to ${f.usd(slice.aum)}: investors ${f.signedUsd(slice.flow)}, price ${f.signedUsd(slice.market)}, other ${f.signedUsd(slice.other)}, fees ${f.signedUsd(slice.fee)}.`,
    svg: waterfallChart(title, steps),
    table: {
      columns: [{ label: "Step" }, { label: "Amount", numeric: true }],
      rows: steps.map((s) => [s.label, s.level ? f.usd(s.value) : toned(f.signedUsd(s.value), s.value)]),
    },
  };
}
