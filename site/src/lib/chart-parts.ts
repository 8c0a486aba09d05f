// The pieces every chart is drawn with: the axes' tick labels, the thinning of long series, the breaks
// where a value is missing, one path for many bars, and the context behind a trend (shaded spans and
// numbered annotations). Each chart draws in frame.ts's shell; figures.ts pairs it with a title, a
// description and a table.
//
// Honest by construction: value axes are rounded out to labelled ticks, so no mark runs past its
// axis; bar charts always include zero; a waterfall whose axis cannot start at zero draws and labels
// the break; trend lines can carry numbered annotations (events, records) and shaded spans (regimes).
import { usd } from "./format.ts";
import { at, HEIGHT, markerRows, type Overlay, timeOf, WIDTH } from "./frame.ts";

/** Axis ticks in dollars: "$50B", "−$2B". */
export const usdTick = (value: number) => usd(value).replace(".0", "");
export const percentTick = (value: number) =>
  `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)}%`;

export type AxisFormat = "usd" | "percent" | "number";
export const TICK: Record<AxisFormat, (value: number) => string> = {
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
export function extent(values: Iterable<number>): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return low <= high ? [low, high] : [0, 0];
}

/** Runs of consecutive points with a value: a line or area breaks where a value is missing. */
export function runs<T extends { value: number | null }>(points: T[]): T[][] {
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

export const STROKE = 'vector-effect="non-scaling-stroke"';

/** Shaded spans and annotation lines (behind the marks) and the markers' numbers (over them). */
export function context(
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

export type Rect = [x1: number, y1: number, x2: number, y2: number];

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
export function rectangles(fill: string, all: Rect[], opacity = 1): string {
  if (all.length === 0) return "";
  const rects = all.length > COLUMNS ? perColumn(all) : all;
  const d = rects.map(([x1, y1, x2, y2]) => `M${at(x1)},${at(y1)}H${at(x2)}V${at(y2)}H${at(x1)}Z`).join("");
  return `<path d="${d}" fill="${fill}"${opacity === 1 ? "" : ` fill-opacity="${opacity}"`}/>`;
}
