// The headline figures of GET /v1/summary, from the total group's days, the asset groups and the
// funds' rows on the headline date (the last complete day). Everything is read from precomputed rows,
// so the Worker can rebuild the summary after every write without touching the funds' histories.
import { isoWeekStart, toDayNumber } from "../dates.ts";
import { formatDecimal, USD_SCALE } from "../decimal.ts";
import type { AttributionChange, Summary, SummaryAsset } from "../export.ts";
import { type AggregateDay, dayCompleteness } from "./aggregate.ts";
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
  /**
   * Asset groups' days, any order: at least each asset's last day with a figure, its last complete
   * day and its day on the report date (the Worker reads just those); the others change nothing.
   */
  assets: readonly AggregateDay[];
  /** Funds' rows; only those on the headline date are read. */
  funds: readonly { fund: string; day: FundDay }[];
  /** Fund-days in state `missing`, any order (the Worker can read the newest 200 from D1). */
  missing: readonly { fund: string; date: string }[];
  /**
   * Fund-days in state `missing` with the fund's asset: at least those on the report date and on each
   * asset's own report date; the others change nothing.
   */
  awaited: readonly { fund: string; date: string; asset: string }[];
}

/** The last day on which any fund has a flow on record; later days are kept but not reported on. */
export function reportDateOf(total: readonly AggregateDay[]): string | null {
  return total.findLast((day) => day.fundsReporting > 0)?.date ?? null;
}

/**
 * The last day on which every listed fund has a figure: headline figures are of this day, as a day
 * still being filled in would show a total that is only low because some funds have not reported.
 */
export function headlineDateOf(days: readonly AggregateDay[]): string | null {
  return days.findLast(isComplete)?.date ?? null;
}

function isComplete(day: AggregateDay): boolean {
  return dayCompleteness(day) === "complete";
}

/** A fund's missing trading days, for callers that hold its whole history. */
export function missingFundDays(fund: string, days: readonly FundDay[]): { fund: string; date: string }[] {
  return days.filter((day) => day.state === "missing").map((day) => ({ fund, date: day.date }));
}

export function buildSummary(input: SummaryInput): Summary {
  const days = input.total.map(({ day }) => day);
  const reportDate = reportDateOf(days);
  if (reportDate === null) return emptySummary(input.dataVersion);
  const reported = days.slice(0, days.findIndex((day) => day.date === reportDate) + 1);
  const reportDay = reported[reported.length - 1] as AggregateDay;
  const headlineIndex = reported.findLastIndex(isComplete);
  return {
    data_version: input.dataVersion,
    report_date: reportDate,
    report_date_completeness: dayCompleteness(reportDay),
    report_date_awaiting: awaitedOn(input.awaited, reportDate),
    headline_date: reported[headlineIndex]?.date ?? null,
    last_final_date: reported.findLast(isSettled)?.date ?? null,
    provisional_dates: reported.filter((day) => day.fundsProvisional > 0).map((day) => day.date),
    missing: input.missing
      .filter(({ date }) => date <= reportDate)
      .toSorted((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.fund < b.fund ? -1 : 1))
      .slice(0, MISSING_CAP),
    ...headlineFigures(input, reported.slice(0, headlineIndex + 1), input.total[headlineIndex]),
    by_asset: assetsOf(input, reportDate),
  };
}

type HeadlineFigures = Pick<
  Summary,
  | "total_aum_usd"
  | "changes"
  | "net_flow_usd"
  | "streak"
  | "regime"
  | "organic_growth_20d"
  | "top_inflows"
  | "top_outflows"
>;

/** Before any day is complete there is no headline: empty figures, rather than totals that are low. */
function noHeadline(): HeadlineFigures {
  return {
    total_aum_usd: null,
    changes: null,
    net_flow_usd: null,
    streak: 0,
    regime: "mixed",
    organic_growth_20d: null,
    top_inflows: [],
    top_outflows: [],
  };
}

/** The headline figures of `end`, the last of `days` (none when there is no complete day). */
function headlineFigures(
  input: SummaryInput,
  days: readonly AggregateDay[],
  end: DayWithIndicators | undefined,
): HeadlineFigures {
  if (!end) return noHeadline();
  const { day, indicators } = end;
  const byFlow = input.funds
    .filter((row) => row.day.date === day.date && row.day.netFlowUsd !== null)
    .map(({ fund, day }) => ({ fund, flow: day.netFlowUsd as bigint }));
  return {
    total_aum_usd: usd(day.aumUsd),
    changes: {
      day: changeSince(days, day.date),
      week: changeSince(days, isoWeekStart(day.date)),
      month: changeSince(days, `${day.date.slice(0, 7)}-01`),
      ytd: changeSince(days, `${day.date.slice(0, 4)}-01-01`),
    },
    net_flow_usd: usd(day.netFlowUsd),
    streak: indicators.streak,
    regime: indicators.regime,
    organic_growth_20d:
      indicators.organicGrowth20d === null ? null : formatDecimal(indicators.organicGrowth20d, RATIO_SCALE),
    top_inflows: largest(
      byFlow.filter(({ flow }) => flow > 0n),
      1n,
    ),
    top_outflows: largest(
      byFlow.filter(({ flow }) => flow < 0n),
      -1n,
    ),
  };
}

/**
 * Each asset on its own last complete day, and the state of its own report date (the newest day any
 * of its funds has a figure for; before any has, the summary's report date, which then awaits them
 * all). Assets fill in at their own pace: one still partial does not hold back another's headline.
 * Largest AUM first; an asset with no complete day yet last.
 */
function assetsOf(input: SummaryInput, reportDate: string): SummaryAsset[] {
  const byAsset = new Map<string, AggregateDay[]>();
  for (const day of input.assets) {
    if (day.date > reportDate) continue;
    const days = byAsset.get(day.key);
    if (days) days.push(day);
    else byAsset.set(day.key, [day]);
  }
  const rows = [...byAsset].map(([asset, days]) => {
    const inOrder = days.toSorted((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const reportDay =
      inOrder.findLast((day) => day.fundsReporting > 0) ?? inOrder.find((day) => day.date === reportDate);
    const headline = inOrder.findLast(isComplete);
    return {
      aum: headline?.aumUsd ?? null,
      row: {
        asset,
        aum_usd: headline ? usd(headline.aumUsd) : null,
        headline_date: headline?.date ?? null,
        net_flow_usd: headline ? usd(headline.netFlowUsd) : null,
        report_date: reportDay?.date ?? null,
        completeness: reportDay ? dayCompleteness(reportDay) : null,
        awaiting: reportDay ? awaitedOn(input.awaited, reportDay.date, asset) : [],
      },
    };
  });
  return rows
    .toSorted((a, b) => {
      if (a.aum !== b.aum) {
        if (a.aum === null || b.aum === null) return a.aum === null ? 1 : -1;
        return a.aum < b.aum ? 1 : -1;
      }
      return a.row.asset < b.row.asset ? -1 : 1;
    })
    .map(({ row }) => row);
}

function awaitedOn(awaited: SummaryInput["awaited"], date: string, asset?: string): string[] {
  const funds = awaited
    .filter((row) => row.date === date && (asset === undefined || row.asset === asset))
    .map((row) => row.fund);
  return [...new Set(funds)].sort();
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
  const parts = { flow: 0n, market: 0n, other: 0n, fee: 0n, income: 0n, distribution: 0n };
  for (const day of days.slice(firstIndex)) {
    parts.flow += day.flowEffectUsd;
    parts.market += day.marketEffectUsd;
    parts.other += day.otherEffectUsd;
    parts.fee += day.feeEffectUsd;
    parts.income += day.incomeEffectUsd;
    parts.distribution += day.distributionEffectUsd;
  }
  return {
    from: (days[firstIndex] as AggregateDay).date,
    to: last.date,
    aum_change_usd: usd(last.aumUsd - before),
    flow_effect_usd: usd(parts.flow),
    market_effect_usd: usd(parts.market),
    other_effect_usd: usd(parts.other),
    fee_effect_usd: usd(parts.fee),
    income_effect_usd: usd(parts.income),
    distribution_effect_usd: usd(parts.distribution),
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
    report_date_completeness: null,
    report_date_awaiting: [],
    headline_date: null,
    last_final_date: null,
    provisional_dates: [],
    missing: [],
    ...noHeadline(),
    by_asset: [],
  };
}

function usd(cents: bigint): string {
  return formatDecimal(cents, USD_SCALE);
}
