// The frame every chart is drawn in, as text: the plot area as one SVG that stretches to the width
// the page gives it (preserveAspectRatio="none", strokes that do not scale), and the axes' labels,
// annotations and value labels as HTML laid over and around it. Text is never inside the SVG, so it
// keeps the page's type size at any width: 12px on a 390px phone as on a wide desktop, where the
// chart uses the whole width of the column instead of a fixed 520 units scaled up.
//
// Values are rounded out to the ticks, so every mark ends inside a labelled axis: nothing is drawn
// past the last tick, and bar axes include zero.

/** The plot area's own units: marks are placed in a 1000 × 400 box the browser stretches. */
export const WIDTH = 1000;
export const HEIGHT = 400;
const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A coordinate to a tenth of a unit: finer is invisible and only costs bytes. */
export const at = (value: number) => String(Math.round(value * 10) / 10);
/** A position as a percentage of the plot, to a hundredth. */
export const pct = (fraction: number) => `${Math.round(fraction * 10_000) / 100}%`;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
export const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);

/** Round steps of 1, 2 or 5 times a power of ten, as d3 and Plot choose them. */
export function valueTicks(low: number, high: number, count: number): number[] {
  if (!(high > low)) return Number.isFinite(low) ? [low] : [];
  const [step, scale] = tickStep(low, high, count);
  const ticks: number[] = [];
  for (let i = Math.ceil((low * scale) / step); i <= Math.floor((high * scale) / step); i++)
    ticks.push((i * step) / scale || 0); // never −0
  return ticks;
}

/** The tick step as an integer and a scale, so that 0.1 × 3 prints as 0.3. */
function tickStep(low: number, high: number, count: number): [step: number, scale: number] {
  const raw = (high - low) / count;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return power >= 0 ? [factor * 10 ** power, 1] : [factor, 10 ** -power];
}

/**
 * The value range rounded out to whole ticks, and its ticks: the marks end inside the axis, and the
 * first and last gridlines are labelled. A range of one value gets a tick either side.
 */
export function niceDomain(
  low: number,
  high: number,
  count = 5,
): { low: number; high: number; ticks: number[] } {
  if (!(high > low)) {
    const spread = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
    return niceDomain(low - spread, high + spread, count);
  }
  const [step, scale] = tickStep(low, high, count);
  const nice = {
    low: (Math.floor((low * scale) / step) * step) / scale,
    high: (Math.ceil((high * scale) / step) * step) / scale,
  };
  return { ...nice, ticks: valueTicks(nice.low, nice.high, count) };
}

export interface TimeTick {
  time: number;
  lines: string[];
}

const utc = (year: number, month: number, day = 1) => Date.UTC(year, month, day);

/** Ticks on whole days, weeks, months, quarters or years, whichever comes closest to `count`. */
export function timeTicks(start: number, end: number, count: number): TimeTick[] {
  const days = (end - start) / DAY_MS;
  const target = days / count;
  const steps: [number, "day" | "month" | "year", number][] = [
    [1, "day", 1],
    [2, "day", 2],
    [7, "day", 7],
    [30, "month", 1],
    [91, "month", 3],
    [182, "month", 6],
    [365, "year", 1],
  ];
  let choice = steps.at(-1) as (typeof steps)[number];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as (typeof steps)[number];
    if (step[0] >= target) {
      const smaller = steps[i - 1];
      choice = smaller && target / smaller[0] < step[0] / target ? smaller : step;
      break;
    }
  }
  const [, unit, every] = choice;
  if (unit === "year") {
    const years = valueTicks(new Date(start).getUTCFullYear(), new Date(end).getUTCFullYear(), count);
    return years
      .filter(Number.isInteger)
      .map((year) => ({ time: utc(year, 0), lines: [String(year)] }))
      .filter((tick) => tick.time >= start && tick.time <= end);
  }
  const ticks: TimeTick[] = [];
  const first = new Date(start);
  if (unit === "day") {
    // Weeks start on Sunday, as in d3; days and pairs of days on any day.
    const offset = every === 7 ? (7 - first.getUTCDay()) % 7 : 0;
    let previousMonth = -1;
    for (
      let time = Math.ceil(start / DAY_MS) * DAY_MS + offset * DAY_MS;
      time <= end;
      time += every * DAY_MS
    ) {
      const date = new Date(time);
      const month = date.getUTCMonth();
      const lines = [String(date.getUTCDate())];
      if (month !== previousMonth) lines.push(MONTHS[month] ?? "");
      previousMonth = month;
      ticks.push({ time, lines });
    }
    return ticks;
  }
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth();
  if (utc(year, month) < start) month += 1;
  month = Math.ceil(month / every) * every;
  let previousYear = -1;
  for (let time = utc(year, month); time <= end; time = utc(year, month)) {
    const date = new Date(time);
    year = date.getUTCFullYear();
    month = date.getUTCMonth();
    const lines = [MONTHS[month] ?? ""];
    if (year !== previousYear) lines.push(String(year));
    previousYear = year;
    ticks.push({ time, lines });
    month += every;
  }
  return ticks;
}

/** A label under the plot: where (0..1 across) and its lines ("Jan", "2025"). */
export interface XLabel {
  at: number;
  lines: string[];
  /** Shown only on wide screens, or only on narrow ones (fewer ticks fit a phone). */
  only?: "wide" | "narrow";
}

/**
 * The time axis's labels for both widths: about six on a desktop, three or four on a phone. A tick in
 * both sets with the same words is written once.
 */
export function timeLabels(start: number, end: number, x: (time: number) => number): XLabel[] {
  const key = (t: TimeTick) => `${t.time} ${t.lines.join(" ")}`;
  const wide = timeTicks(start, end, 6);
  const narrow = timeTicks(start, end, 3.2);
  const inNarrow = new Set(narrow.map(key));
  const inWide = new Set(wide.map(key));
  const label = (t: TimeTick, only?: "wide" | "narrow"): XLabel => ({
    at: x(t.time) / WIDTH,
    lines: t.lines,
    ...(only && { only }),
  });
  return [
    ...wide.map((t) => label(t, inNarrow.has(key(t)) ? undefined : "wide")),
    ...narrow.filter((t) => !inWide.has(key(t))).map((t) => label(t, "narrow")),
  ].sort((a, b) => a.at - b.at);
}

/** Text laid over the plot: a marker's number, a value above a bar, a × for a day with no figure. */
export interface Overlay {
  /** 0..1 across and down the plot. */
  x: number;
  y: number;
  text: string;
  /** "note": a numbered annotation; "value": a bar's value; "missing": a day with no figure. */
  kind: "note" | "value" | "missing";
  /** For values: above the point (the default) or below it. */
  below?: boolean;
  /** For notes: the row it sits in, so that markers close together do not overlap. */
  row?: number;
}

export interface Shell {
  label: string;
  /** The SVG marks, in plot units (WIDTH × HEIGHT). */
  marks: string;
  /** Gridlines and their labels, top to bottom or any order. */
  yTicks: { y: number; text: string }[];
  xLabels: XLabel[];
  overlays?: Overlay[];
  /** Says the value axis does not start at zero, drawn as a break at its foot. */
  yBreak?: boolean;
}

/** The chart as HTML: the value labels, the plot (the SVG and its overlays), the time labels. */
export function shell(chart: Shell): string {
  const width = Math.max(2, ...chart.yTicks.map((t) => [...t.text].length));
  const grid = chart.yTicks.map((t) => `M0,${at(t.y)}H${WIDTH}`).join("");
  const yLabels = chart.yTicks
    .map((t) => `<span style="top:${pct(t.y / HEIGHT)}">${escapeXml(t.text)}</span>`)
    .join("");
  const xLabels = chart.xLabels
    .map((t) => {
      const only = t.only ? ` class="${t.only}"` : "";
      return `<span${only} style="left:${pct(t.at)}">${t.lines.map(escapeXml).join("<br>")}</span>`;
    })
    .join("");
  const ticks = [...new Set(chart.xLabels.map((t) => at(t.at * WIDTH)))]
    .map((x) => `M${x},${HEIGHT}v-8`)
    .join("");
  const overlays = (chart.overlays ?? [])
    .map((o) => {
      const row = o.row ? ` data-row="${Math.min(o.row, 3)}"` : "";
      const below = o.below ? " below" : "";
      return `<span class="${o.kind === "note" ? "marker" : o.kind}${below}"${row} style="left:${pct(o.x)};top:${pct(o.y)}">${escapeXml(o.text)}</span>`;
    })
    .join("");
  const broken = chart.yBreak
    ? '<span class="chart-break" title="the axis does not start at zero">≈</span>'
    : "";
  return (
    `<div class="chart" style="--y:${width}">` +
    `<div class="chart-y" aria-hidden="true">${yLabels}${broken}</div>` +
    `<div class="chart-plot"><svg role="img" aria-label="${escapeXml(chart.label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" focusable="false">` +
    `<path d="${grid}" stroke="currentColor" stroke-opacity="0.12" fill="none" vector-effect="non-scaling-stroke"/>` +
    `${chart.marks}<path d="${ticks}" stroke="currentColor" fill="none" vector-effect="non-scaling-stroke"/></svg>` +
    (overlays ? `<div class="chart-over" aria-hidden="true">${overlays}</div>` : "") +
    `</div><div class="chart-x" aria-hidden="true">${xLabels}</div></div>`
  );
}

export interface Frame {
  /** Milliseconds since the epoch (UTC) to x in plot units. */
  x: (time: number) => number;
  y: (value: number) => number;
  /** The domain after rounding out to ticks. */
  low: number;
  high: number;
  /** A horizontal line across the plot at a value, with the given extra attributes. */
  rule: (value: number, attributes: string) => string;
  /** The chart around the marks. */
  html: (label: string, marks: string, overlays?: Overlay[]) => string;
}

/** A frame from the time span and the value range its marks need, rounded out to ticks. */
export function timeFrame(
  span: [number, number],
  values: [number, number],
  tickFormat: (value: number) => string,
  options: { ticks?: number } = {},
): Frame {
  const [start, end] = span[1] > span[0] ? span : [span[0] - DAY_MS, span[0] + DAY_MS];
  const { low, high, ticks } = niceDomain(values[0], values[1], options.ticks ?? 5);
  const x = (time: number) => ((time - start) / (end - start)) * WIDTH;
  const y = (value: number) => HEIGHT - ((value - low) / (high - low)) * HEIGHT;
  const xLabels = timeLabels(start, end, x);
  const yTicks = ticks.map((v) => ({ y: y(v), text: tickFormat(v) }));
  const rule = (value: number, attributes: string) =>
    `<path d="M0,${at(y(value))}H${WIDTH}" stroke="currentColor" vector-effect="non-scaling-stroke" ${attributes}/>`;
  const html = (label: string, marks: string, overlays?: Overlay[]) =>
    shell({ label, marks, yTicks, xLabels, overlays });
  return { x, y, low, high, rule, html };
}

/** Milliseconds since the epoch at the start of an ISO date (UTC). */
export const timeOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** The start of the period after the one starting at `time`: a day, a week or a month later. */
export function periodEnd(time: number, interval: "day" | "monday" | "month"): number {
  if (interval === "day") return time + DAY_MS;
  if (interval === "monday") return time + 7 * DAY_MS;
  const date = new Date(time);
  return utc(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

/**
 * Rows for numbered markers along the top of a plot: a marker within `gap` (0..1) of the one before
 * it in a row moves down a row, so that markers of nearby dates never cover each other.
 */
export function markerRows(positions: number[], gap = 0.065): number[] {
  const lastInRow: number[] = [];
  return positions.map((x) => {
    let row = 0;
    while (lastInRow[row] !== undefined && x - (lastInRow[row] as number) < gap) row++;
    lastInRow[row] = x;
    return row;
  });
}
