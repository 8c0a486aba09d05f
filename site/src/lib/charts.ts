// Charts drawn at build time with Observable Plot into linkedom's document, so pages carry plain SVG
// and read without JavaScript. Each function returns the SVG markup; figures.ts pairs it with a table.
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { signedUsd, usd } from "./format.ts";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

/** Mid-tone colours that keep 3:1 contrast on both the light and the dark background. */
export const COLOR = {
  line: "#4269d0",
  flow: "#4269d0",
  market: "#d9730d",
  other: "#8a8f98",
  fee: "#9a5cd6",
  inflow: "#2e9e5b",
  outflow: "#e0474c",
  missing: "#8a8f98",
};

/** For stacked series: Observable's palette without its lightest members. */
export const SERIES = [
  "#4269d0",
  "#d9730d",
  "#2e9e5b",
  "#e0474c",
  "#9a5cd6",
  "#6cc5b0",
  "#9c6b4e",
  "#ff8ab7",
];
export const REST_COLOR = "#8a8f98";

// Drawn small and scaled up: at 520 units wide the axis text stays legible on a 375px phone.
const WIDTH = 520;
const HEIGHT = 250;

export const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Axis ticks in dollars: "$50B", "−$2B". */
const usdTick = (value: number) => usd(value).replace(".0", "");
const percentTick = (value: number) => `${(value * 100).toFixed(Math.abs(value) < 0.1 ? 1 : 0)}%`;

export type AxisFormat = "usd" | "percent" | "number";
const TICK: Record<AxisFormat, (value: number) => string> = {
  usd: usdTick,
  percent: percentTick,
  number: (value) => usd(value).replace("$", "").replace(".0", ""),
};

function render(label: string, options: Plot.PlotOptions): string {
  const svg = Plot.plot({
    document,
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 56,
    style: { fontSize: "12px", background: "transparent" },
    ariaLabel: label,
    ...options,
  }) as unknown as Element;
  svg.setAttribute("role", "img");
  // Plot names its inner groups ("bar", "y-axis tick"); inside role="img" those names are invalid ARIA,
  // and the figure's title, description and table already say everything.
  for (const group of svg.querySelectorAll("[aria-label]")) group.removeAttribute("aria-label");
  return compactNumbers(svg.outerHTML);
}

const GEOMETRY = /(\s(?:d|x|y|x1|x2|y1|y2|width|height|transform|points|cx|cy|r)=")([^"]*)"/g;

/** Coordinates to one decimal: a tenth of a pixel is invisible, and pages get much lighter. */
function compactNumbers(markup: string): string {
  return markup.replace(GEOMETRY, (_, name: string, value: string) => {
    const rounded = value.replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10));
    return `${name}${rounded}"`;
  });
}

export interface DatedValue {
  date: string;
  value: number | null;
}

/** A line 520 units wide shows no more than a few hundred points; more only cost build time and bytes. */
const MAX_LINE_POINTS = 400;

export function sample<T>(points: T[], max = MAX_LINE_POINTS): T[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  return points.filter((_, i) => i % step === 0 || i === points.length - 1);
}

export function lineChart(
  label: string,
  points: DatedValue[],
  options: { format: AxisFormat; color?: string; area?: boolean; zero?: boolean; thresholds?: number[] },
): string {
  const color = options.color ?? COLOR.line;
  points = sample(points);
  const x = (d: DatedValue) => toDate(d.date);
  const y = (d: DatedValue) => d.value;
  const marks: Plot.Markish[] = [
    options.area ? Plot.areaY(points, { x, y, fill: color, fillOpacity: 0.15 }) : null,
    Plot.lineY(points, { x, y, stroke: color, strokeWidth: 1.75 }),
    options.zero ? Plot.ruleY([0], { strokeOpacity: 0.5 }) : null,
    options.thresholds
      ? Plot.ruleY(options.thresholds, { strokeDasharray: "4,3", strokeOpacity: 0.7 })
      : null,
  ];
  return render(label, {
    x: { type: "utc", label: null },
    y: { grid: true, label: null, tickFormat: TICK[options.format], zero: options.area },
    marks,
  });
}

export interface Bar {
  date: string;
  value: number | null;
  faint?: boolean;
  missing?: boolean;
}

/** Signed bars (inflows up, outflows down); days with no figure get a × on the zero line, not a bar. */
export function barChart(
  label: string,
  bars: Bar[],
  options: { interval: "day" | "monday" | "month"; format: AxisFormat },
): string {
  const present = bars.filter((bar) => bar.value !== null);
  const absent = bars.filter((bar) => bar.missing);
  return render(label, {
    x: { type: "utc", label: null },
    y: { grid: true, label: null, tickFormat: TICK[options.format] },
    marks: [
      Plot.rectY(present, {
        x: (bar: Bar) => toDate(bar.date),
        y: (bar: Bar) => bar.value,
        interval: options.interval,
        fill: (bar: Bar) => ((bar.value ?? 0) >= 0 ? COLOR.inflow : COLOR.outflow),
        fillOpacity: (bar: Bar) => (bar.faint ? 0.45 : 1),
        // Gaps between bars only while bars are wide enough to spare them.
        inset: present.length > 120 ? 0 : 0.5,
      }),
      Plot.ruleY([0], { strokeOpacity: 0.6 }),
      Plot.dot(absent, {
        x: (bar: Bar) => toDate(bar.date),
        y: 0,
        symbol: "times",
        stroke: COLOR.missing,
        r: 3,
      }),
    ],
  });
}

export interface StackRow {
  date: string;
  series: string;
  value: number;
}

/** Stacked areas in the given series order; "normalize" turns them into shares of the whole. */
export function stackedAreaChart(
  label: string,
  rows: StackRow[],
  series: { name: string; color: string }[],
  options: { normalize?: boolean } = {},
): string {
  const kept = new Set(sample([...new Set(rows.map((row) => row.date))].sort()));
  rows = rows.filter((row) => kept.has(row.date));
  return render(label, {
    x: { type: "utc", label: null },
    y: { grid: true, label: null, tickFormat: options.normalize ? percentTick : usdTick },
    color: { domain: series.map((s) => s.name), range: series.map((s) => s.color) },
    marks: [
      Plot.areaY(rows, {
        x: (row: StackRow) => toDate(row.date),
        y: "value",
        z: "series",
        fill: "series",
        order: series.map((s) => s.name),
        offset: options.normalize ? "normalize" : null,
        fillOpacity: 0.85,
      }),
      Plot.ruleY([0]),
    ],
  });
}

export interface AttributionRow {
  date: string;
  part: "Investors (flows)" | "Price (market)" | "Other and fees";
  value: number;
}

export const PART_COLORS = {
  "Investors (flows)": COLOR.flow,
  "Price (market)": COLOR.market,
  "Other and fees": COLOR.other,
};

/** Each period's AUM change as stacked parts above and below zero, with a dot at the net change. */
export function attributionChart(
  label: string,
  rows: AttributionRow[],
  net: DatedValue[],
  interval: "monday" | "month",
): string {
  const parts = Object.keys(PART_COLORS);
  return render(label, {
    x: { type: "utc", label: null },
    y: { grid: true, label: null, tickFormat: usdTick },
    color: { domain: parts, range: Object.values(PART_COLORS) },
    marks: [
      Plot.rectY(rows, {
        x: (row: AttributionRow) => toDate(row.date),
        y: "value",
        fill: "part",
        order: parts,
        interval,
        insetLeft: 0.5,
        insetRight: 0.5,
      }),
      Plot.ruleY([0], { strokeOpacity: 0.6 }),
      Plot.dot(net, {
        // Centred on the period's bar: half a week or about half a month after its start.
        x: (d: DatedValue) =>
          new Date(toDate(d.date).getTime() + (interval === "monday" ? 3.5 : 15) * 86_400_000),
        y: "value",
        fill: "currentColor",
        r: 2.5,
      }),
    ],
  });
}

export interface Step {
  label: string;
  value: number;
  /** A level (the start or the end), drawn from zero; else a step from the running total. */
  level?: boolean;
}

/** From the AUM at the start, through each part of the change, to the AUM at the end. */
export function waterfallChart(label: string, steps: Step[]): string {
  let running = 0;
  const bars = steps.map((step) => {
    const from = step.level ? 0 : running;
    const to = step.level ? step.value : running + step.value;
    running = to;
    const color = step.level ? COLOR.line : step.value >= 0 ? COLOR.inflow : COLOR.outflow;
    return { ...step, from, to, color };
  });
  const low = Math.min(...bars.filter((b) => !b.level).map((b) => Math.min(b.from, b.to)));
  const high = Math.max(...bars.map((b) => Math.max(b.from, b.to)));
  const floor = Math.max(0, low - (high - low) * 0.6);
  return render(label, {
    marginBottom: 36,
    x: { domain: bars.map((b) => b.label), label: null, tickSize: 0 },
    y: { grid: true, label: null, tickFormat: usdTick, domain: [floor, high * 1.02] },
    marks: [
      Plot.barY(bars, {
        x: "label",
        y1: (b: (typeof bars)[number]) => Math.max(b.from, floor),
        y2: "to",
        fill: "color",
        insetLeft: 8,
        insetRight: 8,
      }),
      Plot.text(bars, {
        x: "label",
        y: (b: (typeof bars)[number]) => Math.max(b.from, b.to),
        text: (b: (typeof bars)[number]) => (b.level ? usd(b.value) : signedUsd(b.value)),
        dy: -8,
      }),
    ],
  });
}

export interface LineSeries {
  name: string;
  color: string;
  points: DatedValue[];
}

/** Several lines on one dollar axis, such as AUM beside cumulative flows. */
export function multiLineChart(label: string, series: LineSeries[]): string {
  const rows = series.flatMap((s) => sample(s.points).map((p) => ({ ...p, series: s.name })));
  return render(label, {
    x: { type: "utc", label: null },
    y: { grid: true, label: null, tickFormat: usdTick },
    color: { domain: series.map((s) => s.name), range: series.map((s) => s.color) },
    marks: [
      Plot.ruleY([0], { strokeOpacity: 0.5 }),
      Plot.lineY(rows, {
        x: (row) => toDate(row.date),
        y: "value",
        z: "series",
        stroke: "series",
        strokeWidth: 1.75,
      }),
    ],
  });
}
