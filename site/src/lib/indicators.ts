// Sentiment indicators: the regime's thresholds, and figures for signed day counts (streaks),
// which are not money and need their own table.
import { barChart } from "./bar-charts.ts";
import { COLOR } from "./chart-colors.ts";
import type { FigureData } from "./figures.ts";
import * as f from "./format.ts";

/** The regime's thresholds on the 20-day organic growth rate, as the methodology states them (±0.5%). */
export const REGIME_THRESHOLD = 0.005;

export function barFigure(
  id: string,
  title: string,
  description: string,
  points: { date: string; value: number }[],
  show: (value: number | null) => string,
): FigureData {
  const recent = points.slice(-120);
  return {
    id,
    title,
    description,
    svg: barChart(title, points, { interval: "day", format: "number" }),
    legend: [
      { label: "inflow streak", color: COLOR.inflow },
      { label: "outflow streak", color: COLOR.outflow },
    ],
    table: {
      columns: [{ label: "Date" }, { label: "Streak", numeric: true }],
      rows: recent.map((p) => [f.date(p.date), show(p.value)]),
    },
    tableNote: points.length > recent.length ? `the last ${recent.length} trading days` : undefined,
  };
}
