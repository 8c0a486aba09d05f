// Aggregates and indicators for development fixtures, after DOMAIN.md. A stand-in for the engine's own.

import { eachDay, isoWeek, monthOf, yearOf } from "../../shared/dates.ts";
import { formatDecimal, parseDecimal } from "../../shared/decimal.ts";
import type { Fund } from "../../shared/domain.ts";
import type { AggregateRow, FundDayRow, GroupBy, Period, Regime } from "../../shared/export.ts";

const REGIME_THRESHOLD = 0.005;

interface DayTotals {
  aum: bigint;
  flow: bigint | null;
  flowEffect: bigint;
  market: bigint;
  other: bigint;
  fee: bigint;
  cumulative: bigint;
  gross: bigint;
  listed: number;
  reporting: number;
  inflow: number;
  outflow: number;
  trading: boolean;
}

const cents = (text: string | null): bigint => (text === null ? 0n : (parseDecimal(text, 2) as bigint));

function emptyTotals(): DayTotals {
  return {
    aum: 0n,
    flow: null,
    flowEffect: 0n,
    market: 0n,
    other: 0n,
    fee: 0n,
    cumulative: 0n,
    gross: 0n,
    listed: 0,
    reporting: 0,
    inflow: 0,
    outflow: 0,
    trading: false,
  };
}

function addRow(totals: DayTotals, row: FundDayRow): void {
  totals.aum += cents(row.aum_usd);
  totals.flowEffect += cents(row.flow_effect_usd);
  totals.market += cents(row.market_effect_usd);
  totals.other += cents(row.other_effect_usd);
  totals.fee += cents(row.fee_effect_usd);
  totals.cumulative += cents(row.cumulative_flow_usd);
  if (row.state !== "not_listed") totals.listed++;
  if (row.state === "final" || row.state === "provisional" || row.state === "missing") totals.trading = true;
  if (row.net_flow_usd !== null) {
    const flow = cents(row.net_flow_usd);
    totals.flow = (totals.flow ?? 0n) + flow;
    totals.gross += flow < 0n ? -flow : flow;
    totals.reporting++;
    if (flow > 0n) totals.inflow++;
    if (flow < 0n) totals.outflow++;
  }
}

export function groupKey(fund: Fund, by: GroupBy): string {
  if (by === "total") return "all";
  if (by === "asset") return fund.asset;
  return fund[by];
}

const ratio = (numerator: bigint, denominator: bigint): string | null =>
  denominator === 0n ? null : (Number(numerator) / Number(denominator)).toFixed(6);

const regimeOf = (growth: string | null): Regime => {
  const value = growth === null ? 0 : Number(growth);
  if (value >= REGIME_THRESHOLD) return "inflow-led";
  if (value <= -REGIME_THRESHOLD) return "outflow-led";
  return "mixed";
};

/** Daily rows for one group, with every indicator, from its per-day totals. */
function dailyRows(by: GroupBy, key: string, dates: string[], series: DayTotals[], total: DayTotals[]) {
  const rows: AggregateRow[] = [];
  const tradingIndexes: number[] = [];
  let streak = 0;
  let recordIn = 0;
  let recordOut = 0;
  series.forEach((day, index) => {
    if (day.trading) tradingIndexes.push(index);
    const window = (n: number) => tradingIndexes.slice(-n);
    const sumFlows = (indexes: number[]) => indexes.reduce((sum, i) => sum + (series[i]?.flow ?? 0n), 0n);
    const window20 = window(20);
    const startIndex = (window20[0] ?? index) - 1;
    const startAum = startIndex >= 0 ? (series[startIndex]?.aum ?? 0n) : 0n;
    if (day.trading && day.flow !== null) {
      if (day.flow > 0n) streak = streak > 0 ? streak + 1 : 1;
      else if (day.flow < 0n) streak = streak < 0 ? streak - 1 : -1;
      else streak = 0;
      recordIn = Math.max(recordIn, streak);
      recordOut = Math.max(recordOut, -streak);
    }
    const growth = ratio(sumFlows(window20), startAum);
    const overall = total[index] ?? emptyTotals();
    rows.push({
      by,
      key,
      period: "day",
      label: dates[index] ?? "",
      start: dates[index] ?? "",
      end: dates[index] ?? "",
      aum_usd: formatDecimal(day.aum, 2),
      net_flow_usd: day.flow === null ? null : formatDecimal(day.flow, 2),
      flow_effect_usd: formatDecimal(day.flowEffect, 2),
      market_effect_usd: formatDecimal(day.market, 2),
      other_effect_usd: formatDecimal(day.other, 2),
      fee_effect_usd: formatDecimal(day.fee, 2),
      cumulative_flow_usd: formatDecimal(day.cumulative, 2),
      flow_5d_usd: formatDecimal(sumFlows(window(5)), 2),
      flow_20d_usd: formatDecimal(sumFlows(window20), 2),
      organic_growth_20d: growth,
      streak,
      streak_record_inflow: recordIn,
      streak_record_outflow: recordOut,
      breadth: day.reporting > 0 ? ratio(BigInt(day.inflow), BigInt(day.listed)) : null,
      market_share_aum: ratio(day.aum, overall.aum),
      market_share_flow: ratio(day.gross, overall.gross),
      regime: regimeOf(growth),
      funds_listed: day.listed,
      funds_reporting: day.reporting,
      funds_inflow: day.inflow,
      funds_outflow: day.outflow,
    });
  });
  return rows;
}

const periodLabel: Record<Exclude<Period, "day">, (date: string) => string> = {
  week: isoWeek,
  month: monthOf,
  ytd: yearOf,
};

/** Rolls daily rows up into periods: sums of flows and effects, levels and indicators at the end. */
function rollUp(days: AggregateRow[], period: Exclude<Period, "day">): AggregateRow[] {
  const out: AggregateRow[] = [];
  let current: AggregateRow | undefined;
  for (const day of days) {
    const label = periodLabel[period](day.start);
    if (!current || current.label !== label) {
      current = { ...day, period, label, net_flow_usd: null, flow_effect_usd: "0.00" };
      current.market_effect_usd = "0.00";
      current.other_effect_usd = "0.00";
      current.fee_effect_usd = "0.00";
      out.push(current);
    }
    const add = (a: string | null, b: string | null) => formatDecimal(cents(a) + cents(b), 2);
    current.net_flow_usd =
      day.net_flow_usd === null ? current.net_flow_usd : add(current.net_flow_usd, day.net_flow_usd);
    current.flow_effect_usd = add(current.flow_effect_usd, day.flow_effect_usd);
    current.market_effect_usd = add(current.market_effect_usd, day.market_effect_usd);
    current.other_effect_usd = add(current.other_effect_usd, day.other_effect_usd);
    current.fee_effect_usd = add(current.fee_effect_usd, day.fee_effect_usd);
    Object.assign(current, pickLevels(day));
  }
  return out;
}

function pickLevels(day: AggregateRow): Partial<AggregateRow> {
  const { end, aum_usd, cumulative_flow_usd, flow_5d_usd, flow_20d_usd, organic_growth_20d, streak } = day;
  const { streak_record_inflow, streak_record_outflow, market_share_aum, regime, funds_listed } = day;
  return {
    end,
    aum_usd,
    cumulative_flow_usd,
    flow_5d_usd,
    flow_20d_usd,
    organic_growth_20d,
    streak,
    streak_record_inflow,
    streak_record_outflow,
    market_share_aum,
    regime,
    funds_listed,
  };
}

export function buildAggregates(funds: Fund[], daily: Map<string, FundDayRow[]>, from: string, to: string) {
  const dates = [...eachDay(from, to)];
  const index = new Map(dates.map((date, i) => [date, i]));
  const groupings: GroupBy[] = ["total", "asset", "issuer", "country", "vehicle"];
  const totals = new Map<string, DayTotals[]>();
  for (const fund of funds) {
    for (const by of groupings) {
      const id = `${by}\u0000${groupKey(fund, by)}`;
      const series = totals.get(id) ?? dates.map(emptyTotals);
      totals.set(id, series);
      for (const row of daily.get(fund.ticker) ?? []) {
        const day = series[index.get(row.date) ?? -1];
        if (day) addRow(day, row);
      }
    }
  }
  const total = totals.get("total\u0000all") ?? dates.map(emptyTotals);
  const day: AggregateRow[] = [];
  for (const [id, series] of totals) {
    const [by, key] = id.split("\u0000") as [GroupBy, string];
    day.push(...dailyRows(by, key, dates, series, total));
  }
  const byGroup = Map.groupBy(day, (row) => `${row.by}\u0000${row.key}`);
  const rolled = (period: Exclude<Period, "day">) =>
    [...byGroup.values()].flatMap((rows) => rollUp(rows, period));
  return { day, week: rolled("week"), month: rolled("month"), ytd: rolled("ytd") };
}
