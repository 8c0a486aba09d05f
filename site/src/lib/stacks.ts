// AUM stacked by fund, issuer or asset: the largest few named, the rest as one band.
import { REST_COLOR, SERIES } from "./chart-colors.ts";
import type { DatedValue } from "./chart-parts.ts";
import { type FigureData, thin } from "./figures.ts";
import * as f from "./format.ts";
import { type StackRow, stackedAreaChart } from "./line-charts.ts";

export interface StackSeries {
  name: string;
  /** Computed only for the members the chart names, so a thousand funds cost what eight do. */
  points: () => DatedValue[];
}

/**
 * AUM stacked by member (fund or issuer), largest first: the first few by name, the rest together
 * as the whole minus the named ones, so the chart reads (and builds) the same with ten funds or a
 * thousand. `normalize` shows shares of the whole instead.
 */
export function stackFigure(
  id: string,
  title: string,
  description: string,
  members: StackSeries[],
  whole: DatedValue[],
  options: { normalize?: boolean } = {},
): FigureData {
  const top = SERIES.length - 1;
  const shown = members.length > top + 1 ? members.slice(0, top) : members;
  const series = shown.map((m, i) => ({
    name: m.name,
    color: SERIES[i % SERIES.length] ?? REST_COLOR,
    points: m.points(),
  }));
  const rest = members.length - shown.length;
  if (rest > 0) {
    const named = new Map<string, number>();
    for (const s of series)
      for (const p of s.points) named.set(p.date, (named.get(p.date) ?? 0) + (p.value ?? 0));
    const points = whole.map((p) => ({
      date: p.date,
      value: Math.max(0, (p.value ?? 0) - (named.get(p.date) ?? 0)),
    }));
    series.push({ name: `${rest} others`, color: REST_COLOR, points });
  }
  // Every series gets every date (0 before a fund listed), so the stack never has holes.
  const rows: StackRow[] = series.flatMap((s) => {
    const values = new Map(s.points.map((p) => [p.date, p.value ?? 0]));
    return whole.map((p) => ({ date: p.date, series: s.name, value: values.get(p.date) ?? 0 }));
  });
  const byKey = new Map(rows.map((r) => [`${r.series}\u0000${r.date}`, r.value]));
  const wholeByDate = new Map(whole.map((p) => [p.date, p.value ?? 0]));
  const { rows: tableDates, note } = thin(whole);
  const show = (value: number, date: string) => {
    if (!options.normalize) return f.usd(value);
    const sum = wholeByDate.get(date) ?? 0;
    return f.share(sum > 0 ? value / sum : null);
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
