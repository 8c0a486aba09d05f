// The frame of a chart over time, written as SVG text: a time axis, a value axis with grid lines, and
// scales that place marks inside. The same geometry as the Plot charts beside it (520 × 250 units,
// the same margins, ticks and type), drawn without a DOM: a fund page's charts cost a millisecond.

// Drawn small and scaled up: at 520 units wide the axis text stays legible on a 375px phone.
export const WIDTH = 520;
export const HEIGHT = 250;
// The bottom leaves room for two-line time ticks ("28" over "Jun") without clipping their descenders.
const MARGIN = { top: 20, right: 20, bottom: 34, left: 56 };
const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A coordinate to a tenth of a unit: finer is invisible and only costs bytes. */
export const at = (value: number) => String(Math.round(value * 10) / 10);

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
export const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);

export interface Frame {
  /** Milliseconds since the epoch (UTC) to x. */
  x: (time: number) => number;
  y: (value: number) => number;
  /** A horizontal line across the plot at a value, with the given extra attributes. */
  rule: (value: number, attributes: string) => string;
  /** The SVG around the marks. */
  svg: (label: string, marks: string) => string;
}

/** Round steps of 1, 2 or 5 times a power of ten, as d3 and Plot choose them. */
export function valueTicks(low: number, high: number, count: number): number[] {
  if (!(high > low)) return Number.isFinite(low) ? [low] : [];
  const raw = (high - low) / count;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  // Integer steps and a scale, so that 0.1 × 3 prints as 0.3.
  const [step, scale] = power >= 0 ? [factor * 10 ** power, 1] : [factor, 10 ** -power];
  const ticks: number[] = [];
  for (let i = Math.ceil((low * scale) / step); i <= Math.floor((high * scale) / step); i++)
    ticks.push((i * step) / scale || 0); // never −0
  return ticks;
}

interface TimeTick {
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

function tickText(x: number, y: number, lines: string[]): string {
  if (lines.length === 1)
    return `<text x="${at(x)}" y="${at(y)}" dy="0.7em">${escapeXml(lines[0] ?? "")}</text>`;
  const spans = lines.map(
    (line, i) => `<tspan x="${at(x)}" ${i === 0 ? 'dy="0.7em"' : 'dy="1em"'}>${escapeXml(line)}</tspan>`,
  );
  return `<text y="${at(y)}">${spans.join("")}</text>`;
}

/**
 * A frame from the time span and the value range its marks need. Values are not rounded out to
 * a tick, as in Plot: the marks fill the height.
 */
export function timeFrame(
  span: [number, number],
  values: [number, number],
  tickFormat: (value: number) => string,
): Frame {
  const [start, end] = span[1] > span[0] ? span : [span[0] - DAY_MS, span[0] + DAY_MS];
  const [low, high] = values[1] > values[0] ? values : [values[0] - 1, values[0] + 1];
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const bottom = HEIGHT - MARGIN.bottom;
  const top = MARGIN.top;
  const x = (time: number) => left + ((time - start) / (end - start)) * (right - left);
  const y = (value: number) => bottom - ((value - low) / (high - low)) * (bottom - top);
  const yTicks = valueTicks(low, high, (bottom - top) / 35);
  const xTicks = timeTicks(start, end, (right - left) / 80);
  const grid = yTicks.map((v) => `M${left},${at(y(v))}H${right}`).join("");
  const marks = [
    ...yTicks.map((v) => `M${left - 6},${at(y(v))}h6`),
    ...xTicks.map((t) => `M${at(x(t.time))},${bottom}v6`),
  ].join("");
  const yLabels = yTicks
    .map((v) => `<text x="${left - 9}" y="${at(y(v))}" dy="0.32em">${escapeXml(tickFormat(v))}</text>`)
    .join("");
  const xLabels = xTicks.map((t) => tickText(x(t.time), bottom + 9, t.lines)).join("");
  const svg = (label: string, content: string) =>
    `<svg role="img" aria-label="${escapeXml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" fill="currentColor" font-family="system-ui, sans-serif" font-size="12" text-anchor="middle" style="background:transparent">` +
    `<path d="${grid}" stroke="currentColor" stroke-opacity="0.1" fill="none"/>` +
    `<path d="${marks}" stroke="currentColor" fill="none"/>` +
    `<g text-anchor="end" font-variant="tabular-nums">${yLabels}</g>` +
    `<g font-variant="tabular-nums">${xLabels}</g>${content}</svg>`;
  const rule = (value: number, attributes: string) =>
    `<path d="M${left},${at(y(value))}H${right}" stroke="currentColor" ${attributes}/>`;
  return { x, y, rule, svg };
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
