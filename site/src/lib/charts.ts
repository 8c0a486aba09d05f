// Charts drawn at build time, so pages carry plain SVG and read without JavaScript. Each function
// returns the SVG markup; figures.ts pairs it with a table. The charts on every fund page (lines, bars,
// attribution) are written directly as SVG (frame.ts): Observable Plot on linkedom's document took
// most of a thousand-fund build. The few charts of the overview pages (stacked areas, the waterfall,
// several lines) still use Plot, in the same frame.
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { signedUsd, usd } from "./format.ts";
import { at, HEIGHT, periodEnd, timeFrame, timeOf, WIDTH } from "./frame.ts";

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

/** The smallest and largest of some numbers, [0, 0] when there are none. */
function extent(values: Iterable<number>): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return low <= high ? [low, high] : [0, 0];
}

/** Runs of consecutive points with a value: a line or area breaks where a value is missing. */
function runs<T extends { value: number | null }>(points: T[]): T[][] {
  const found: T[][] = [[]];
  for (const point of points) {
    if (point.value === null) found.push([]);
    else found.at(-1)?.push(point);
  }
  return found.filter((run) => run.length > 0);
}

/** A value over time as a line, optionally over a shaded area down to zero. Drawn directly as SVG. */
export function lineChart(
  label: string,
  points: DatedValue[],
  options: { format: AxisFormat; color?: string; area?: boolean; zero?: boolean; thresholds?: number[] },
): string {
  const color = options.color ?? COLOR.line;
  const drawn = sample(points).map((p) => ({ time: timeOf(p.date), value: p.value }));
  const values = drawn.flatMap((p) => (p.value === null ? [] : [p.value]));
  const levels = [...(options.area || options.zero ? [0] : []), ...(options.thresholds ?? [])];
  const frame = timeFrame(
    extent(drawn.map((p) => p.time)),
    extent([...values, ...levels]),
    TICK[options.format],
  );
  const xy = (p: { time: number; value: number | null }) =>
    `${at(frame.x(p.time))},${at(frame.y(p.value ?? 0))}`;
  const segments = runs(drawn);
  const line = segments.map((run) => `M${run.map(xy).join("L")}`).join("");
  const base = at(frame.y(0));
  const area = segments
    .map(
      (run) =>
        `M${at(frame.x(run[0]?.time ?? 0))},${base}L${run.map(xy).join("L")}L${at(frame.x(run.at(-1)?.time ?? 0))},${base}Z`,
    )
    .join("");
  return frame.svg(
    label,
    [
      options.area ? `<path d="${area}" fill="${color}" fill-opacity="0.15"/>` : "",
      `<path d="${line}" fill="none" stroke="${color}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`,
      options.zero ? frame.rule(0, 'stroke-opacity="0.5"') : "",
      ...(options.thresholds ?? []).map((t) => frame.rule(t, 'stroke-opacity="0.7" stroke-dasharray="4,3"')),
    ].join(""),
  );
}

export interface Bar {
  date: string;
  value: number | null;
  faint?: boolean;
  missing?: boolean;
}

type Rect = [x1: number, y1: number, x2: number, y2: number];

/**
 * Where there are more bars than pixels (ten years of daily streaks), one column per pixel as long as
 * the longest bar in it: what the eye sees anyway, at a fraction of the bytes. The table keeps every number.
 */
function perPixel(rects: Rect[]): Rect[] {
  const columns = new Map<number, Rect>();
  for (const [x1, y1, x2, y2] of rects) {
    const pixel = Math.floor(x1);
    const column = columns.get(pixel);
    if (!column) columns.set(pixel, [x1, Math.min(y1, y2), x2, Math.max(y1, y2)]);
    else
      columns.set(pixel, [
        column[0],
        Math.min(column[1], y1, y2),
        Math.max(column[2], x2),
        Math.max(column[3], y1, y2),
      ]);
  }
  return [...columns.values()];
}

/** Rectangles of one fill as one path: hundreds of bars cost one element. */
function rectangles(fill: string, all: Rect[], opacity = 1): string {
  if (all.length === 0) return "";
  const rects = all.length > WIDTH / 2 ? perPixel(all) : all;
  const d = rects.map(([x1, y1, x2, y2]) => `M${at(x1)},${at(y1)}H${at(x2)}V${at(y2)}H${at(x1)}Z`).join("");
  return `<path d="${d}" fill="${fill}"${opacity === 1 ? "" : ` fill-opacity="${opacity}"`}/>`;
}

/** Signed bars (inflows up, outflows down); days with no figure get a × on the zero line, not a bar. */
export function barChart(
  label: string,
  bars: Bar[],
  options: { interval: "day" | "monday" | "month"; format: AxisFormat },
): string {
  const placed = bars.map((bar) => {
    const start = timeOf(bar.date);
    return { ...bar, start, end: periodEnd(start, options.interval) };
  });
  const present = placed.filter((bar) => bar.value !== null);
  const frame = timeFrame(
    extent(placed.flatMap((bar) => [bar.start, bar.end])),
    extent([0, ...present.map((bar) => bar.value ?? 0)]),
    TICK[options.format],
  );
  // Gaps between bars only while bars are wide enough to spare them.
  const inset = present.length > 120 ? 0 : 0.5;
  const groups = new Map<string, Rect[]>();
  for (const bar of present) {
    const value = bar.value ?? 0;
    const key = `${value >= 0 ? COLOR.inflow : COLOR.outflow} ${bar.faint ? 0.45 : 1}`;
    const list = groups.get(key) ?? [];
    list.push([frame.x(bar.start) + inset, frame.y(0), frame.x(bar.end) - inset, frame.y(value)]);
    groups.set(key, list);
  }
  const crosses = placed
    .filter((bar) => bar.missing)
    .map((bar) => `M${at(frame.x(bar.start) - 2.5)},${at(frame.y(0) - 2.5)}l5,5m0,-5l-5,5`)
    .join("");
  return frame.svg(
    label,
    [
      ...[...groups].map(([key, rects]) => {
        const [fill = COLOR.inflow, opacity] = key.split(" ");
        return rectangles(fill, rects, Number(opacity));
      }),
      frame.rule(0, 'stroke-opacity="0.6"'),
      crosses ? `<path d="${crosses}" stroke="${COLOR.missing}" stroke-width="1.5" fill="none"/>` : "",
    ].join(""),
  );
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
  // Parts stack upward from zero when positive and downward when negative, in the legend's order.
  const tops = new Map<string, { up: number; down: number }>();
  const stacked = rows.map((row) => {
    const top = tops.get(row.date) ?? { up: 0, down: 0 };
    tops.set(row.date, top);
    const from = row.value >= 0 ? top.up : top.down;
    const to = from + row.value;
    if (row.value >= 0) top.up = to;
    else top.down = to;
    const start = timeOf(row.date);
    return { part: row.part, start, end: periodEnd(start, interval), from, to };
  });
  // Centred on the period's bar: half a week or about half a month after its start.
  const dots = net.map((d) => ({
    time: timeOf(d.date) + (interval === "monday" ? 3.5 : 15) * 86_400_000,
    value: d.value,
  }));
  const frame = timeFrame(
    extent(stacked.flatMap((s) => [s.start, s.end])),
    extent([
      0,
      ...stacked.flatMap((s) => [s.from, s.to]),
      ...dots.flatMap((d) => (d.value === null ? [] : [d.value])),
    ]),
    usdTick,
  );
  const parts = Object.entries(PART_COLORS).map(([part, color]) =>
    rectangles(
      color,
      stacked
        .filter((s) => s.part === part)
        .map((s) => [frame.x(s.start) + 0.5, frame.y(s.from), frame.x(s.end) - 0.5, frame.y(s.to)]),
    ),
  );
  const circles = dots
    .filter((d) => d.value !== null)
    .map(
      (d) =>
        `M${at(frame.x(d.time) - 2.5)},${at(frame.y(d.value ?? 0))}a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0`,
    )
    .join("");
  return frame.svg(
    label,
    [...parts, frame.rule(0, 'stroke-opacity="0.6"'), `<path d="${circles}" fill="currentColor"/>`].join(""),
  );
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
