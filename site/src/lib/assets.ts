// BTC, ETH and SOL side by side, and all funds together: the table the overview, the trends, every
// asset page and the weekly reports share. Its figures are those of one day, the last day every fund
// has reported, so the assets add up to the total; how far the report date has got is a column of
// its own, with the funds still awaited named.
import { signedCell } from "./cells.ts";
import { type DayCompleteness, stateInWords } from "./completeness.ts";
import * as f from "./format.ts";
import type { Model } from "./model.ts";
import { aumChange, statusTag } from "./slices.ts";
import type { Cell, TableData } from "./table.ts";

export interface AssetLine {
  /** "BTC", or "all" for the total. */
  key: string;
  label: string;
  href: string | undefined;
  funds: number;
  aum: number | null;
  flow: number | null;
  flow20d: number | null;
  /** Consecutive days of net inflows (+) or outflows (−) to that day. */
  streak: number;
  /** The report date's flow so far, with how complete it is. */
  report: DayCompleteness & { flow: number | null };
}

/** One line per asset the API knows, then the total, each on `date` (the headline date). */
export function assetLines(model: Model, date: string | null): AssetLine[] {
  const line = (by: "asset" | "total", key: string, label: string, funds: number): AssetLine => {
    const row = date === null ? undefined : model.groupRow(by, key, "day", date);
    const reportRow =
      model.reportDate === null ? undefined : model.groupRow(by, key, "day", model.reportDate);
    return {
      key,
      label,
      href: by === "asset" ? `/assets/${key}/` : undefined,
      funds,
      aum: f.num(row?.aum_usd),
      flow: f.num(row?.net_flow_usd),
      flow20d: f.num(row?.flow_20d_usd),
      streak: row?.streak ?? 0,
      report: reportRow
        ? { ...model.completeness(reportRow), flow: f.num(reportRow.net_flow_usd) }
        : { completeness: null, awaiting: [], flow: null },
    };
  };
  return [
    ...model.assets.map((asset) => line("asset", asset.symbol, asset.name, asset.funds.length)),
    line("total", "all", "All funds", model.funds.length),
  ];
}

/** The report date's cell: the flow so far, tagged partial with the funds awaited, or why there is none. */
export function reportCell(report: AssetLine["report"]): Cell {
  switch (report.completeness) {
    case "complete":
      return signedCell(report.flow);
    case "partial":
      return { text: f.signedUsd(report.flow), tag: stateInWords(report) };
    case "none":
      return { text: "—", tag: "no fund has reported yet" };
    default:
      return "no trading";
  }
}

/** The side-by-side table on `date`; `current` marks one asset (its own page). */
export function assetTable(model: Model, date: string | null, current?: string): TableData {
  const lines = assetLines(model, date);
  const total = lines.at(-1)?.aum ?? null;
  const behind = model.reportDate !== null && model.reportDate !== date;
  // The date is in the caption; short headers keep the table inside a phone's width.
  return {
    columns: [
      { label: "Asset" },
      { label: "Funds", numeric: true },
      { label: "AUM", numeric: true },
      { label: "Share", numeric: true },
      { label: "Net flow", numeric: true },
      { label: "Streak", numeric: true },
      { label: "20-day flow", numeric: true },
      ...(behind ? [{ label: `${f.date(model.reportDate).slice(0, -5)} so far` }] : []),
    ],
    rows: lines.map((line) => [
      line.href && line.key !== current
        ? { text: line.label, href: line.href }
        : `${line.label}${line.key === current ? " (this page)" : ""}`,
      String(line.funds),
      line.funds === 0 ? "no fund yet" : f.usd(line.aum),
      line.funds === 0 ? "—" : f.share(total && line.aum !== null ? line.aum / total : null),
      line.funds === 0 ? "—" : signedCell(line.flow),
      line.funds === 0 ? "—" : f.streakShort(line.streak),
      line.funds === 0 ? "—" : signedCell(line.flow20d),
      ...(behind ? [line.funds === 0 ? "—" : reportCell(line.report)] : []),
    ]),
  };
}

/** The same three assets and total over one ISO week: flows (marked partial where funds are awaited), price, AUM. */
export function assetWeekTable(model: Model, label: string): TableData {
  const groups = [
    ...model.assets
      .filter((asset) => asset.funds.length > 0)
      .map((asset) => ["asset", asset.symbol, asset.name] as const),
    ["total", "all", "All funds"] as const,
  ];
  return {
    columns: [
      { label: "Asset" },
      { label: "Net flow", numeric: true },
      { label: "Price effect", numeric: true },
      { label: "AUM change", numeric: true },
      { label: "AUM at end", numeric: true },
    ],
    rows: groups.map(([by, key, name]) => {
      const week = model.groupAt(by, key, "week", label);
      const first: Cell = by === "asset" ? { text: name, href: `/assets/${key}/` } : name;
      if (!week || week.status === "not_listed") return [first, "not listed", "—", "—", "—"];
      const tag = week.status === "final" ? undefined : statusTag(week);
      const flow = tag ? { text: f.signedUsd(week.flow), tag } : signedCell(week.flow);
      return [first, flow, signedCell(week.market), signedCell(aumChange(week)), f.usd(week.aum)];
    }),
  };
}

/** Day by day within one week, each asset's net flow and the total, partial days marked. */
export function assetDaysTable(
  model: Model,
  start: string,
  end: string,
  dates: readonly string[],
): TableData {
  const groups = [
    ...model.assets
      .filter((asset) => asset.funds.length > 0)
      .map((asset) => ["asset", asset.symbol] as const),
    ["total", "all"] as const,
  ];
  const cell = (by: "asset" | "total", key: string, date: string): Cell => {
    const day = model.groupAt(by, key, "day", date);
    if (!day || day.status === "not_listed") return "not listed";
    if (day.status === "closed") return "market closed";
    if (day.status === "missing") return { text: "—", tag: "none reported" };
    if (day.status === "final") return signedCell(day.flow);
    return { text: f.signedUsd(day.flow), tag: statusTag(day) };
  };
  return {
    columns: [
      { label: "Day" },
      ...groups.map(([by, key]) => ({ label: by === "total" ? "All funds" : key, numeric: true })),
    ],
    rows: dates
      .filter((date) => date >= start && date <= end)
      .map((date) => [f.date(date), ...groups.map(([by, key]) => cell(by, key, date))]),
  };
}
