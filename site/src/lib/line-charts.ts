// Values over time as lines and areas: one line (optionally over its area), several lines on one
// axis, and stacked areas of the parts of a whole.
import { COLOR } from "./chart-colors.ts";
import {
  type AxisFormat,
  type Band,
  context,
  type DatedValue,
  extent,
  type Marker,
  percentTick,
  runs,
  STROKE,
  sample,
  TICK,
  usdTick,
} from "./chart-parts.ts";
import { at, timeFrame, timeOf } from "./frame.ts";

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
