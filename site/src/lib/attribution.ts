// Where AUM changes came from: per period as stacked parts, and one period as a waterfall from the
// opening to the closing AUM. Staking income kept and distributions paid out are parts of their own
// wherever the shown periods have any (split.ts); the parts always add up to the change.

import { type AttributionRow, attributionChart, type Part, type Step, waterfallChart } from "./bar-charts.ts";
import { periodCell, signedCell } from "./cells.ts";
import { COLOR } from "./chart-colors.ts";
import type { FigureData, LegendEntry } from "./figures.ts";
import * as f from "./format.ts";
import { aumChange, type Slice, statusTag } from "./slices.ts";
import { extraParts, shownParts } from "./split.ts";
import { type Cell, type TableData, toned } from "./table.ts";

/** The chart's parts: investors, price, staking income and payouts where there are any, then the rest. */
function chartParts(slices: Slice[]): (Part & { value: (s: Slice) => number })[] {
  return [
    { name: "Investors (flows)", color: COLOR.flow, value: (s: Slice) => s.flow ?? 0 },
    { name: "Price (market)", color: COLOR.market, value: (s: Slice) => s.market },
    ...extraParts(slices).map((part) => ({
      name: part.column,
      color: part.color,
      value: (s: Slice) => s[part.key] ?? 0,
    })),
    { name: "Other and fees", color: COLOR.other, value: (s: Slice) => s.other + s.fee },
  ];
}

/** Per week or month: how much of the AUM change came from investors, the price, and the rest. */
export function attributionFigure(
  id: string,
  subject: string,
  periods: Slice[],
  period: "week" | "month",
  openingOther = 0,
) {
  // Coins already held on the first day of the record (GBTC's ten years as a trust) enter as "other";
  // they are the starting level, not a change, and would dwarf every later bar.
  const [first, ...rest] = periods;
  const slices =
    first && openingOther !== 0 ? [{ ...first, other: first.other - openingOther }, ...rest] : periods;
  const openingNote =
    Math.abs(openingOther) >= 1
      ? ` The first ${period} leaves out the ${f.usd(openingOther)} of coins already held on the first day of the record: they are the starting level, not a change.`
      : "";
  const parts = chartParts(slices);
  const rows = slices.flatMap((s): AttributionRow[] =>
    parts.map((part) => ({ date: s.start, part: part.name, value: part.value(s) })),
  );
  const net = slices.map((s) => ({ date: s.start, value: aumChange(s) }));
  const flows = slices.reduce((sum, s) => sum + (s.flow ?? 0), 0);
  const market = slices.reduce((sum, s) => sum + s.market, 0);
  const extras = extraParts(slices)
    .map((part) => `, ${part.words} ${f.signedUsd(slices.reduce((sum, s) => sum + (s[part.key] ?? 0), 0))}`)
    .join("");
  const title = `${subject}: where each ${period}'s AUM change came from`;
  const legend: LegendEntry[] = [
    ...parts.map((part) => ({ label: part.name.toLowerCase(), color: part.color })),
    { label: "net change", color: "currentColor", kind: "line" },
  ];
  return {
    id,
    title,
    description: `Each bar splits a ${period}'s change in AUM into what investors did (flows), what the price did to the coins already held (market)${extras ? ", staking income and payouts" : ""}, and the rest (fees, corporate actions, reconciliation); the line across it is the net change. Over the whole span investors added ${f.signedUsd(flows)} and the price ${f.signedUsd(market)}${extras}.${openingNote}`,
    svg: attributionChart(title, rows, net, period === "week" ? "monday" : "month", parts),
    legend,
    table: attributionTable(slices),
  } satisfies FigureData;
}

export function attributionTable(slices: Slice[]): TableData {
  const parts = shownParts(slices);
  return {
    columns: [
      { label: "Period" },
      { label: "AUM change", numeric: true },
      ...parts.map((part) => ({ label: part.key === "flow" ? "Flows" : part.column, numeric: true })),
      { label: "AUM at end", numeric: true },
      { label: "Note" },
    ],
    rows: slices.map((s) => [
      periodCell(s),
      signedCell(aumChange(s)),
      ...parts.map((part): Cell => {
        const value = s[part.key];
        return part.key === "flow" || part.key === "market" ? signedCell(value) : f.signedUsd(value);
      }),
      f.usd(s.aum),
      statusTag(s),
    ]),
  };
}

/** One period's change as a walk from the opening AUM to the closing AUM. */
export function waterfallFigure(id: string, title: string, slice: Slice, opening: number): FigureData {
  const parts = shownParts([slice]);
  const steps: (Step & { name: string })[] = [
    { name: "AUM at start", label: "Start", value: opening, level: true },
    ...parts.map((part) => ({
      name:
        part.key === "flow"
          ? "Investors (net flows)"
          : part.key === "market"
            ? "Price (market effect)"
            : part.column,
      label: part.short,
      value: slice[part.key] ?? 0,
    })),
    { name: "AUM at end", label: "End", value: slice.aum, level: true },
  ];
  const words = parts.map((part) => `${part.words} ${f.signedUsd(slice[part.key])}`).join(", ");
  const svg = waterfallChart(title, steps);
  const broken = svg.includes("chart-break");
  return {
    id,
    title,
    description: `AUM went from ${f.usd(opening)} to ${f.usd(slice.aum)}: ${words}.${broken ? " The axis starts above zero (marked ≈) so the changes can be seen; the bars of the opening and closing AUM are cut near their foot." : ""}`,
    svg,
    table: {
      columns: [{ label: "Step" }, { label: "Amount", numeric: true }],
      rows: steps.map((s) => [s.name, s.level ? f.usd(s.value) : toned(f.signedUsd(s.value), s.value)]),
    },
  };
}
