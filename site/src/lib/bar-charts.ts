// Values per period as bars: signed flows from zero, the split of each period's AUM change stacked
// above and below zero, and one period's change as a waterfall from the opening to the closing AUM.
import { COLOR } from "./chart-colors.ts";
import {
  type AxisFormat,
  type DatedValue,
  extent,
  type Rect,
  rectangles,
  STROKE,
  TICK,
  usdTick,
} from "./chart-parts.ts";
import { signedUsd, usd } from "./format.ts";
import { at, HEIGHT, niceDomain, type Overlay, periodEnd, shell, timeFrame, timeOf, WIDTH } from "./frame.ts";

export interface Bar {
  date: string;
  value: number | null;
  faint?: boolean;
  missing?: boolean;
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
