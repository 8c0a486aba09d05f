// Where AUM changes came from: per period as stacked parts, and one period as a waterfall from the
// opening to the closing AUM.
import { periodCell, signedCell } from "./cells.ts";
import { type AttributionRow, attributionChart, COLOR, type Step, waterfallChart } from "./charts.ts";
import type { FigureData } from "./figures.ts";
import * as f from "./format.ts";
import { aumChange, type Slice, statusTag } from "./slices.ts";
import { type TableData, toned } from "./table.ts";

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
  const parts = slices.flatMap((s): AttributionRow[] => [
    { date: s.start, part: "Investors (flows)", value: s.flow ?? 0 },
    { date: s.start, part: "Price (market)", value: s.market },
    { date: s.start, part: "Other and fees", value: s.other + s.fee },
  ]);
  const net = slices.map((s) => ({ date: s.start, value: aumChange(s) }));
  const flows = slices.reduce((sum, s) => sum + (s.flow ?? 0), 0);
  const market = slices.reduce((sum, s) => sum + s.market, 0);
  const title = `${subject}: where each ${period}'s AUM change came from`;
  return {
    id,
    title,
    description: `Each bar splits a ${period}'s change in AUM into what investors did (flows), what the price did to the coins already held (market), and the rest (fees, corporate actions, staking rewards and payouts, reconciliation); the dot is the net change. Over the whole span investors added ${f.signedUsd(flows)} and the price ${f.signedUsd(market)}.${openingNote}`,
    svg: attributionChart(title, parts, net, period === "week" ? "monday" : "month"),
    legend: [
      { label: "investors (flows)", color: COLOR.flow },
      { label: "price (market)", color: COLOR.market },
      { label: "other and fees", color: COLOR.other },
    ],
    table: attributionTable(slices),
  } satisfies FigureData;
}

export function attributionTable(slices: Slice[]): TableData {
  return {
    columns: [
      { label: "Period" },
      { label: "AUM change", numeric: true },
      { label: "Flows", numeric: true },
      { label: "Market", numeric: true },
      { label: "Other", numeric: true },
      { label: "Fees", numeric: true },
      { label: "AUM at end", numeric: true },
      { label: "Note" },
    ],
    rows: slices.map((s) => [
      periodCell(s),
      signedCell(aumChange(s)),
      signedCell(s.flow),
      signedCell(s.market),
      f.signedUsd(s.other),
      f.signedUsd(s.fee),
      f.usd(s.aum),
      statusTag(s),
    ]),
  };
}

/** One period's change as a walk from the opening AUM to the closing AUM. */
export function waterfallFigure(id: string, title: string, slice: Slice, opening: number): FigureData {
  const steps: Step[] = [
    { label: "AUM at start", value: opening, level: true },
    { label: "Investors", value: slice.flow ?? 0 },
    { label: "Price", value: slice.market },
    { label: "Other", value: slice.other },
    { label: "Fees", value: slice.fee },
    { label: "AUM at end", value: slice.aum, level: true },
  ];
  return {
    id,
    title,
    description: `AUM went from ${f.usd(opening)} to ${f.usd(slice.aum)}: investors ${f.signedUsd(slice.flow)}, price ${f.signedUsd(slice.market)}, other ${f.signedUsd(slice.other)}, fees ${f.signedUsd(slice.fee)}.`,
    svg: waterfallChart(title, steps),
    table: {
      columns: [{ label: "Step" }, { label: "Amount", numeric: true }],
      rows: steps.map((s) => [s.label, s.level ? f.usd(s.value) : toned(f.signedUsd(s.value), s.value)]),
    },
  };
}
