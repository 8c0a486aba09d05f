// Charts drawn at build time, so pages carry plain SVG and HTML and read without JavaScript. Each
// function returns the chart's markup in frame.ts's shell; figures.ts pairs it with a title, a
// description and a table. Every chart is written directly: lines, bars, stacked areas, the split of
// AUM changes, the waterfall and several lines on one axis.
//
// Honest by construction: value axes are rounded out to labelled ticks, so no mark runs past its
// axis; bar charts always include zero; a waterfall whose axis cannot start at zero draws and labels
// the break; trend lines can carry numbered annotations (events, records) and shaded spans (regimes).
import { signedUsd, usd } from "./format.ts";
import {
  at,
  HEIGHT,
  markerRows,
  niceDomain,
  type Overlay,
  periodEnd,
  shell,
  timeFrame,
  timeOf,
  WIDTH,
} from "./frame.ts";

/** Mid-tone colours that keep 3:1 contrast on both the light and the dark background. */
export const COLOR = {
  line: "#4269d0",
  flow: "#4269d0",
  market: "#d9730d",
  other: "#8a8f98",
  fee: "#9a5cd6",
  income: "#2a9d8f",
  distribution: "#c2477f",
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

/** Axis ticks in dollars: "$50B", "−$2B". */
const usdTick = (value: number) => usd(value).replace(".0", "");
const percentTick = (value: number) =>
  `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)}%`;

export type AxisFormat = "usd" | "percent" | "number";
const TICK: Record<AxisFormat, (value: number) => string> = {
  usd: usdTick,
  percent: percentTick,
  number: (value) => usd(value).replace("$", "").replace(".0", ""),
};

export interface DatedValue {
  date: string;
  value: number | null;
}

/** A line across a thousand units shows no more than a few hundred points; more only cost bytes. */
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

/** A numbered annotation on a trend: a dashed line at its date, its number along the top. */
export interface Marker {
  date: string;
  /** What the list under the chart numbers it: "1", "2". */
  label: string;
}

/** A shaded span of time behind a trend, such as a regime. */
export interface Band {
  from: string;
  /** The last day of the span, included. */
  to: string;
  color: string;
}

const STROKE = 'vector-effect="non-scaling-stroke"';

/** Shaded spans and annotation lines (behind the marks) and the markers' numbers (over them). */
function context(
  x: (time: number) => number,
  span: [number, number],
  bands: Band[] = [],
  markers: Marker[] = [],
): { behind: string; overlays: Overlay[] } {
  const day = 86_400_000;
  const inside = (time: number) => time >= span[0] && time <= span[1];
  const byColor = new Map<string, string>();
  for (const band of bands) {
    const from = Math.max(span[0], timeOf(band.from));
    const to = Math.min(span[1], timeOf(band.to) + day);
    if (to <= from) continue;
    byColor.set(
      band.color,
      `${byColor.get(band.color) ?? ""}M${at(x(from))},0H${at(x(to))}V${HEIGHT}H${at(x(from))}Z`,
    );
  }
  const shaded = [...byColor]
    .map(([color, d]) => `<path d="${d}" fill="${color}" fill-opacity="0.14"/>`)
    .join("");
  const shown = markers.filter((m) => inside(timeOf(m.date)));
  const positions = shown.map((m) => x(timeOf(m.date)) / WIDTH);
  const rows = markerRows(positions);
  const lines = positions.map((p) => `M${at(p * WIDTH)},0V${HEIGHT}`).join("");
  const behind =
    shaded +
    (lines
      ? `<path d="${lines}" stroke="currentColor" stroke-opacity="0.55" stroke-dasharray="3,3" fill="none" ${STROKE}/>`
      : "");
  const overlays = shown.map(
    (m, i): Overlay => ({ x: positions[i] ?? 0, y: 0, text: m.label, kind: "note", row: rows[i] ?? 0 }),
  );
  return { behind, overlays };
}

/** A value over time as a line, optionally over a shaded area down to zero. */
export function lineChart(
  label: string,
  points: DatedValue[],
  options: {
    format: AxisFormat;
    color?: string;
    area?: boolean;
    zero?: boolean;
    thresholds?: number[];
    markers?: Marker[];
    bands?: Band[];
  },
): string {
  const color = options.color ?? COLOR.line;
  const drawn = sample(points).map((p) => ({ time: timeOf(p.date), value: p.value }));
  const values = drawn.flatMap((p) => (p.value === null ? [] : [p.value]));
  const levels = [...(options.area || options.zero ? [0] : []), ...(options.thresholds ?? [])];
  const span = extent(drawn.map((p) => p.time));
  const frame = timeFrame(span, extent([...values, ...levels]), TICK[options.format]);
  const xy = (p: { time: number; value: number | null }) =>
    `${at(frame.x(p.time))},${at(frame.y(p.value ?? 0))}`;
  const segments = runs(drawn);
  const line = segments.map((run) => `M${run.map(xy).join("L")}`).join("");
  const base = at(frame.y(Math.max(frame.low, Math.min(0, frame.high))));
  const area = segments
    .map(
      (run) =>
        `M${at(frame.x(run[0]?.time ?? 0))},${base}L${run.map(xy).join("L")}L${at(frame.x(run.at(-1)?.time ?? 0))},${base}Z`,
    )
    .join("");
  const { behind, overlays } = context(frame.x, span, options.bands, options.markers);
  return frame.html(
    label,
    [
      behind,
      options.area ? `<path d="${area}" fill="${color}" fill-opacity="0.15"/>` : "",
      `<path d="${line}" fill="none" stroke="${color}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round" ${STROKE}/>`,
      options.zero ? frame.rule(0, 'stroke-opacity="0.5"') : "",
      ...(options.thresholds ?? []).map((t) => frame.rule(t, 'stroke-opacity="0.7" stroke-dasharray="4,3"')),
    ].join(""),
    overlays,
  );
}

export interface Bar {
  date: string;
  value: number | null;
  faint?: boolean;
  missing?: boolean;
}

type Rect = [x1: number, y1: number, x2: number, y2: number];

/** Columns a dense bar chart collapses to: two plot units each, finer than a desktop's pixels. */
const COLUMNS = 500;

/**
 * Where there are more bars than columns (ten years of daily streaks), one column as tall as the
 * longest bar in it: what the eye sees anyway, at a fraction of the bytes. The table keeps every number.
 */
function perColumn(rects: Rect[]): Rect[] {
  const size = WIDTH / COLUMNS;
  const columns = new Map<number, Rect>();
  for (const [x1, y1, x2, y2] of rects) {
    const column = Math.floor(x1 / size);
    const found = columns.get(column);
    if (!found) columns.set(column, [x1, Math.min(y1, y2), x2, Math.max(y1, y2)]);
    else
      columns.set(column, [
        found[0],
        Math.min(found[1], y1, y2),
        Math.max(found[2], x2),
        Math.max(found[3], y1, y2),
      ]);
  }
  return [...columns.values()];
}

/** Rectangles of one fill as one path: hundreds of bars cost one element. */
function rectangles(fill: string, all: Rect[], opacity = 1): string {
  if (all.length === 0) return "";
  const rects = all.length > COLUMNS ? perColumn(all) : all;
  const d = rects.map(([x1, y1, x2, y2]) => `M${at(x1)},${at(y1)}H${at(x2)}V${at(y2)}H${at(x1)}Z`).join("");
  return `<path d="${d}" fill="${fill}"${opacity === 1 ? "" : ` fill-opacity="${opacity}"`}/>`;
}

/** Signed bars (inflows up, outflows down) from zero; days with no figure get a ×, not a bar. */
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
  const inset = present.length > 200 ? 0 : 0.15 * (WIDTH / Math.max(1, placed.length));
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
    .map(
      (bar): Overlay => ({
        x: (frame.x(bar.start) + frame.x(bar.end)) / 2 / WIDTH,
        y: frame.y(0) / HEIGHT,
        text: "×",
        kind: "missing",
      }),
    );
  return frame.html(
    label,
    [
      ...[...groups].map(([key, rects]) => {
        const [fill = COLOR.inflow, opacity] = key.split(" ");
        return rectangles(fill, rects, Number(opacity));
      }),
      frame.rule(0, 'stroke-opacity="0.6"'),
    ].join(""),
    crosses,
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
  options: { normalize?: boolean; markers?: Marker[] } = {},
): string {
  const dates = sample([...new Set(rows.map((row) => row.date))].sort());
  const value = new Map(rows.map((row) => [`${row.series}\u0000${row.date}`, Math.max(0, row.value)]));
  // Each date's running tops, series by series; normalised, as shares of the date's sum.
  const tops = dates.map((date) => {
    const parts = series.map((s) => value.get(`${s.name}\u0000${date}`) ?? 0);
    const sum = parts.reduce((total, v) => total + v, 0);
    const scale = options.normalize ? (sum > 0 ? 1 / sum : 0) : 1;
    let running = 0;
    return parts.map((v) => {
      running += v * scale;
      return running;
    });
  });
  const times = dates.map(timeOf);
  const high = options.normalize ? 1 : Math.max(0, ...tops.map((t) => t.at(-1) ?? 0));
  const frame = timeFrame(extent(times), [0, high], options.normalize ? percentTick : usdTick);
  const bands = series.map((s, i) => {
    const upper = times.map((time, d) => `${at(frame.x(time))},${at(frame.y(tops[d]?.[i] ?? 0))}`);
    const lower = times
      .map((time, d) => `${at(frame.x(time))},${at(frame.y(i === 0 ? 0 : (tops[d]?.[i - 1] ?? 0)))}`)
      .reverse();
    return `<path d="M${upper.join("L")}L${lower.join("L")}Z" fill="${s.color}" fill-opacity="0.85"/>`;
  });
  const span = extent(times);
  const { behind, overlays } = context(frame.x, span, [], options.markers);
  return frame.html(label, bands.join("") + behind + frame.rule(0, 'stroke-opacity="0.6"'), overlays);
}

/** One part of the split of AUM changes, as the legend names it. */
export interface Part {
  name: string;
  color: string;
}

export interface AttributionRow {
  date: string;
  part: string;
  value: number;
}

/** Each period's AUM change as stacked parts above and below zero, with a line at the net change. */
export function attributionChart(
  label: string,
  rows: AttributionRow[],
  net: DatedValue[],
  interval: "monday" | "month",
  parts: Part[],
): string {
  // Parts stack upward from zero when positive and downward when negative, in the legend's order.
  const tops = new Map<string, { up: number; down: number }>();
  const order = new Map(parts.map((p, i) => [p.name, i]));
  const sorted = [...rows].sort(
    (a, b) => a.date.localeCompare(b.date) || (order.get(a.part) ?? 0) - (order.get(b.part) ?? 0),
  );
  const stacked = sorted.map((row) => {
    const top = tops.get(row.date) ?? { up: 0, down: 0 };
    tops.set(row.date, top);
    const from = row.value >= 0 ? top.up : top.down;
    const to = from + row.value;
    if (row.value >= 0) top.up = to;
    else top.down = to;
    const start = timeOf(row.date);
    return { part: row.part, start, end: periodEnd(start, interval), from, to };
  });
  const nets = net.map((d) => {
    const start = timeOf(d.date);
    return { start, end: periodEnd(start, interval), value: d.value };
  });
  const frame = timeFrame(
    extent(stacked.flatMap((s) => [s.start, s.end])),
    extent([
      0,
      ...stacked.flatMap((s) => [s.from, s.to]),
      ...nets.flatMap((d) => (d.value === null ? [] : [d.value])),
    ]),
    usdTick,
  );
  const slot = WIDTH / Math.max(1, nets.length);
  const inset = Math.min(2, slot * 0.12);
  const marks = parts.map((part) =>
    rectangles(
      part.color,
      stacked
        .filter((s) => s.part === part.name)
        .map((s) => [frame.x(s.start) + inset, frame.y(s.from), frame.x(s.end) - inset, frame.y(s.to)]),
    ),
  );
  const lines = nets
    .filter((d) => d.value !== null)
    .map((d) => `M${at(frame.x(d.start) + inset)},${at(frame.y(d.value ?? 0))}H${at(frame.x(d.end) - inset)}`)
    .join("");
  return frame.html(
    label,
    [
      ...marks,
      frame.rule(0, 'stroke-opacity="0.6"'),
      lines ? `<path d="${lines}" stroke="currentColor" stroke-width="2.5" fill="none" ${STROKE}/>` : "",
    ].join(""),
  );
}

export interface Step {
  /** A short label under the bar ("Start", "Flows"); the table spells it out. */
  label: string;
  value: number;
  /** A level (the start or the end), drawn from the axis's foot; else a step from the running total. */
  level?: boolean;
}

/**
 * From the AUM at the start, through each part of the change, to the AUM at the end. When the
 * changes are small beside the levels, the axis starts above zero so they can be seen: the level bars
 * are then drawn cut through near their foot, and the axis is marked broken (≈), never silently
 * truncated.
 */
export function waterfallChart(label: string, steps: Step[]): string {
  let running = 0;
  const bars = steps.map((step) => {
    const from = step.level ? 0 : running;
    const to = step.level ? step.value : running + step.value;
    running = to;
    const color = step.level ? COLOR.line : step.value >= 0 ? COLOR.inflow : COLOR.outflow;
    return { ...step, from, to, color };
  });
  const moves = bars.filter((b) => !b.level).flatMap((b) => [b.from, b.to]);
  const low = Math.min(...moves, ...bars.map((b) => b.to));
  const high = Math.max(0, ...bars.map((b) => Math.max(b.from, b.to)));
  // Levels far above the changes: start the axis below the lowest point, not at zero.
  const floor =
    low > 0 && high > 0 && (high - low) / high < 0.5
      ? Math.max(0, low - (high - low) * 0.8)
      : Math.min(0, low);
  const domain = niceDomain(floor, high + (high - floor) * 0.12, 5);
  const broken = domain.low > 0;
  const y = (value: number) => HEIGHT - ((value - domain.low) / (domain.high - domain.low)) * HEIGHT;
  const slot = WIDTH / bars.length;
  const rects = bars.map((b, i) => {
    const x1 = i * slot + slot * 0.18;
    const x2 = (i + 1) * slot - slot * 0.18;
    const from = Math.max(b.from, domain.low);
    return { ...b, x1, x2, top: y(Math.max(from, b.to)), bottom: y(Math.min(from, b.to)) };
  });
  const byColor = new Map<string, string>();
  for (const r of rects)
    byColor.set(
      r.color,
      `${byColor.get(r.color) ?? ""}M${at(r.x1)},${at(r.top)}H${at(r.x2)}V${at(Math.max(r.bottom, r.top + 1))}H${at(r.x1)}Z`,
    );
  // The cut through each level bar: a slanted gap in the page's own background, near the foot.
  const cuts = broken
    ? rects
        .filter((r) => r.level)
        .map(
          (r) =>
            `M${at(r.x1 - 4)},${HEIGHT - 18}L${at(r.x2 + 4)},${HEIGHT - 30}V${HEIGHT - 22}L${at(r.x1 - 4)},${HEIGHT - 10}Z`,
        )
        .join("")
    : "";
  const overlays = rects.map((r): Overlay => {
    const top = r.top / HEIGHT;
    return {
      x: (r.x1 + r.x2) / 2 / WIDTH,
      y: top,
      text: r.level ? usd(r.value) : signedUsd(r.value),
      kind: "value",
      below: top < 0.1,
    };
  });
  const zero =
    domain.low <= 0 && domain.high >= 0
      ? `<path d="M0,${at(y(0))}H${WIDTH}" stroke="currentColor" stroke-opacity="0.6" ${STROKE}/>`
      : "";
  return shell({
    label,
    marks:
      [...byColor].map(([color, d]) => `<path d="${d}" fill="${color}"/>`).join("") +
      (cuts ? `<path d="${cuts}" style="fill:var(--bg)"/>` : "") +
      zero,
    yTicks: domain.ticks.map((v) => ({ y: y(v), text: usdTick(v) })),
    xLabels: rects.map((r) => ({ at: (r.x1 + r.x2) / 2 / WIDTH, lines: [r.label] })),
    overlays,
    yBreak: broken,
  });
}

export interface LineSeries {
  name: string;
  color: string;
  points: DatedValue[];
}

/** Several lines on one dollar axis, such as AUM beside cumulative flows. */
export function multiLineChart(
  label: string,
  series: LineSeries[],
  options: { markers?: Marker[]; bands?: Band[] } = {},
): string {
  const drawn = series.map((s) => ({
    ...s,
    points: sample(s.points).map((p) => ({ time: timeOf(p.date), value: p.value })),
  }));
  const all = drawn.flatMap((s) => s.points);
  const span = extent(all.map((p) => p.time));
  const frame = timeFrame(
    span,
    extent([0, ...all.flatMap((p) => (p.value === null ? [] : [p.value]))]),
    usdTick,
  );
  const paths = drawn.map((s) => {
    const d = runs(s.points)
      .map((run) => `M${run.map((p) => `${at(frame.x(p.time))},${at(frame.y(p.value ?? 0))}`).join("L")}`)
      .join("");
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.75" stroke-linejoin="round" ${STROKE}/>`;
  });
  const { behind, overlays } = context(frame.x, span, options.bands, options.markers);
  return frame.html(label, behind + frame.rule(0, 'stroke-opacity="0.5"') + paths.join(""), overlays);
}
