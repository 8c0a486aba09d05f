// The headline figures of GET /v1/summary, from the total group's days, the asset groups and the
// funds' rows on the report date. Everything is read from precomputed rows, so the Worker can
// rebuild the summary after every write without touching the funds' histories.
import { isoWeekStart, toDayNumber } from "../dates.ts";
import { formatDecimal, USD_SCALE } from "../decimal.ts";
import type { AttributionChange, Summary } from "../export.ts";
import type { AggregateDay } from "./aggregate.ts";
import { RATIO_SCALE } from "./indicators.ts";
import type { DayWithIndicators } from "./rollup.ts";
import type { FundDay } from "./types.ts";

/** The summary lists at most this many missing fund-days, most recent first. */
export const MISSING_CAP = 200;
export const TOP_FLOWS = 5;

export interface SummaryInput {
  dataVersion: number;
  /** The total group's days with indicators, every calendar day in order. */
  total: readonly DayWithIndicators[];
  /** Asset groups' days; only those on the report date are read. */
  assets: readonly AggregateDay[];
  /** Funds' rows; only those on the report date are read. */
  funds: readonly { fund: string; day: FundDay }[];
  /** Fund-days in state `missing`, any order (the Worker can read the newest 200 from D1). */
  missing: readonly { fund: string; date: string }[];
}

/** The last day on which any fund has a flow on record; later days are kept but not reported on. */
export function reportDateOf(total: readonly AggregateDay[]): string | null {
  return total.findLast((day) => day.fundsReporting > 0)?.date ?? null;
}

/** A fund's missing trading days, for callers that hold its whole history. */
export function missingFundDays(fund: string, days: readonly FundDay[]): { fund: string; date: string }[] {
  return days.filter((day) => day.state === "missing").map((day) => ({ fund, date: day.date }));
}

export function buildSummary(input: SummaryInput): Summary {
  const reportDate = reportDateOf(input.total.map(({ day }) => day));
  const reportIndex = input.total.findIndex(({ day }) => day.date === reportDate);
  const reported = input.total.slice(0, reportIndex + 1).map(({ day }) => day);
  const end = input.total[reportIndex];
  if (reportDate === null || !end) return emptySummary(input.dataVersion);
  const onReportDate = input.funds.filter(({ day }) => day.date === reportDate && day.netFlowUsd !== null);
  const byFlow = onReportDate.map(({ fund, day }) => ({ fund, flow: day.netFlowUsd as bigint }));
  return {
    data_version: input.dataVersion,
    report_date: reportDate,
    last_final_date: reported.findLast(isSettled)?.date ?? null,
    provisional_dates: reported.filter((day) => day.fundsProvisional > 0).map((day) => day.date),
    missing: input.missing
      .filter(({ date }) => date <= reportDate)
      .toSorted((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.fund < b.fund ? -1 : 1))
      .slice(0, MISSING_CAP),
    total_aum_usd: usd(end.day.aumUsd),
    changes: {
      day: changeSince(reported, reportDate),
      week: changeSince(reported, isoWeekStart(reportDate)),
      month: changeSince(reported, `${reportDate.slice(0, 7)}-01`),
      ytd: changeSince(reported, `${reportDate.slice(0, 4)}-01-01`),
    },
    net_flow_usd: usd(end.day.netFlowUsd),
    streak: end.indicators.streak,
    regime: end.indicators.regime,
    organic_growth_20d:
      end.indicators.organicGrowth20d === null
        ? null
        : formatDecimal(end.indicators.organicGrowth20d, RATIO_SCALE),
    top_inflows: largest(
      byFlow.filter(({ flow }) => flow > 0n),
      1n,
    ),
    top_outflows: largest(
      byFlow.filter(({ flow }) => flow < 0n),
      -1n,
    ),
    by_asset: input.assets
      .filter((day) => day.date === reportDate)
      .toSorted((a, b) => (a.aumUsd !== b.aumUsd ? (a.aumUsd < b.aumUsd ? 1 : -1) : a.key < b.key ? -1 : 1))
      .map((day) => ({ asset: day.key, aum_usd: usd(day.aumUsd) })),
  };
}

/** Settled: some fund reported, none is only provisional, and no listed fund's flow is still missing. */
function isSettled(day: AggregateDay): boolean {
  return day.fundsReporting > 0 && day.fundsProvisional === 0 && day.fundsMissing === 0;
}

/**
 * From `from` (clamped to the first day on record) to the last day of `days`: the change is the end
 * AUM minus the AUM at the end of the day before `from`, and the parts are the sums over the days,
 * which add up to it exactly because every day's parts add up to that day's change.
 */
function changeSince(days: readonly AggregateDay[], from: string): AttributionChange {
  const last = days[days.length - 1] as AggregateDay;
  const firstIndex = Math.max(0, days.length - 1 - (toDayNumber(last.date) - toDayNumber(from)));
  const before = days[firstIndex - 1]?.aumUsd ?? 0n;
  const parts = { flow: 0n, market: 0n, other: 0n, fee: 0n };
  for (const day of days.slice(firstIndex)) {
    parts.flow += day.flowEffectUsd;
    parts.market += day.marketEffectUsd;
    parts.other += day.otherEffectUsd;
    parts.fee += day.feeEffectUsd;
  }
  return {
    from: (days[firstIndex] as AggregateDay).date,
    to: last.date,
    aum_change_usd: usd(last.aumUsd - before),
    flow_effect_usd: usd(parts.flow),
    market_effect_usd: usd(parts.market),
    other_effect_usd: usd(parts.other),
    fee_effect_usd: usd(parts.fee),
  };
}

/** The TOP_FLOWS largest flows in `direction` (1 inflows, −1 outflows); ties in ticker order. */
function largest(
  flows: { fund: string; flow: bigint }[],
  direction: 1n | -1n,
): { fund: string; net_flow_usd: string }[] {
  const size = ({ flow }: { flow: bigint }) => flow * direction;
  return flows
    .toSorted((a, b) => (size(a) !== size(b) ? (size(a) > size(b) ? -1 : 1) : a.fund < b.fund ? -1 : 1))
    .slice(0, TOP_FLOWS)
    .map(({ fund, flow }) => ({ fund, net_flow_usd: usd(flow) }));
}

function emptySummary(dataVersion: number): Summary {
  return {
    data_version: dataVersion,
    report_date: null,
    last_final_date: null,
    provisional_dates: [],
    missing: [],
    total_aum_usd: usd(0n),
    changes: null,
    net_flow_usd: null,
    streak: 0,
    regime: "mixed",
    organic_growth_20d: null,
    top_inflows: [],
    top_outflows: [],
    by_asset: [],
  };
}

function usd(cents: bigint): string {
  return formatDecimal(cents, USD_SCALE);
}
