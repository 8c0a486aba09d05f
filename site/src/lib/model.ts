// The site's model of the loaded data, built once per build and shared by every page, so that a page
// costs what it shows (one fund, one week) and never a scan of every fund's every day. The indexes it
// is built from are in model-indexes.ts.
import type { AggregateRow, FundDayRow, FundSummary, GroupBy, RevisionRow } from "../../../shared/export.ts";
import {
  type Completeness,
  type CompleteRow,
  type CompleteSummary,
  completenessOf,
  type DayCompleteness,
  lastComplete,
} from "./completeness.ts";
import { loadSiteData, type SiteData } from "./data.ts";
import { eventsOf, type FundEvent } from "./events.ts";
import { num } from "./format.ts";
import { exactRows, type FundHistory, toHistory } from "./history.ts";
import {
  dateFlags,
  fundsInWeek,
  groupBy,
  groupFunds,
  indexAggregates,
  indexRevisions,
  memo,
  recent,
} from "./model-indexes.ts";
import { fundDaySlices, groupSlice, rollUp, type Slice } from "./slices.ts";

export interface Issuer {
  slug: string;
  name: string;
  funds: FundSummary[];
  aum: number;
}

export interface AssetInfo {
  symbol: string;
  name: string;
  decimals: number;
  funds: FundSummary[];
  aum: number;
}

export type PeriodName = "day" | "week" | "month" | "ytd";

/** The day the headline figures are of, and how far the report date has got. */
export interface Headline {
  /** The last day every fund has reported; null before there is one. */
  date: string | null;
  /** All funds' aggregate row of that day. */
  row: CompleteRow | undefined;
  reportDate: string | null;
  /** The report date's completeness, for all funds. */
  report: DayCompleteness;
}

export interface Model {
  data: SiteData;
  summary: CompleteSummary;
  reportDate: string | null;
  /** Funds by AUM, largest first. */
  funds: FundSummary[];
  /** Every fund in ticker order: for lists and fingerprints that must not move when AUM ranks do. */
  fundsByTicker: FundSummary[];
  fund: (ticker: string) => FundSummary | undefined;
  /** Issuers by AUM; funds with no published issuer belong to none (see fundsWithoutIssuer). */
  issuers: Issuer[];
  issuerOf: (name: string) => Issuer | undefined;
  /** Funds whose issuer is not known: they count in their asset and the total, and on no issuer page. */
  fundsWithoutIssuer: FundSummary[];
  /** Every asset the API knows, BTC, ETH, SOL, each with its page (funds or not). */
  assets: AssetInfo[];
  asset: (symbol: string) => AssetInfo | undefined;
  /** A group's slices over one period kind, oldest first ("total"/"all" is every fund). */
  group: (by: GroupBy, key: string, period: PeriodName) => Slice[];
  /** The raw aggregate rows behind `group`, for indicators (streak, breadth, regime). */
  groupRows: (by: GroupBy, key: string, period: PeriodName) => CompleteRow[];
  /** A group's slice of one period label ("2026-08-20", "2026-W34"). */
  groupAt: (by: GroupBy, key: string, period: PeriodName, label: string) => Slice | undefined;
  /** A group's row of one period label ("2026-08-20", "2026-W34"). */
  groupRow: (by: GroupBy, key: string, period: PeriodName, label: string) => CompleteRow | undefined;
  /** How complete a group's row is: the API's word, or worked out from the missing fund-days. */
  completeness: (row: CompleteRow) => DayCompleteness;
  /** A group's last day that every one of its funds has reported. */
  lastCompleteDay: (by: GroupBy, key: string) => CompleteRow | undefined;
  headline: Headline;
  /** Every group's row for one period label ("2024-W02"), for week pages. */
  periodRows: (period: PeriodName, label: string) => AggregateRow[];
  fundDays: (ticker: string) => Slice[];
  fundPeriods: (ticker: string, period: "week" | "month") => Slice[];
  /** The API's exact rows, parsed again on each call: for pages that quote its decimal strings. */
  fundRows: (ticker: string) => readonly FundDayRow[];
  fundHistory: (ticker: string) => FundHistory;
  /** Each fund's flow in one ISO week, for week pages, in ticker order. */
  fundFlowsInWeek: (label: string) => { fund: FundSummary; slice: Slice }[];
  /** A fund's AUM as a share of all funds of its asset, per day. */
  fundShare: (ticker: string) => { date: string; share: number | null }[];
  revisionsOfFund: (ticker: string) => RevisionRow[];
  revisionsOfAsset: (symbol: string) => RevisionRow[];
  /** ISO weeks with a weekly report: those in which at least one fund was listed. */
  weeks: string[];
  /** Corporate actions on record (spin-offs, ticker and fee changes, distributions, seeds), by date. */
  events: FundEvent[];
}

const models = new WeakMap<SiteData, Model>();

/** The model of the current build's data, built once per build. */
export async function loadModel(): Promise<Model> {
  const data = await loadSiteData();
  let model = models.get(data);
  if (!model) {
    model = buildModel(data);
    models.set(data, model);
  }
  return model;
}

export function issuerSlug(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

const NO_HISTORY = toHistory([]);

const aumOf = (fund: FundSummary) => num(fund.latest?.aum_usd) ?? 0;

function buildModel(data: SiteData): Model {
  const doc = data.export;
  const funds = [...doc.funds].sort((a, b) => aumOf(b) - aumOf(a) || a.ticker.localeCompare(b.ticker));
  const fundsByTicker = [...doc.funds].sort((a, b) => a.ticker.localeCompare(b.ticker));
  const fundByTicker = new Map(funds.map((fund) => [fund.ticker, fund]));
  // A fund whose issuer is not known is on no issuer page: a group "issuer not known" would read as
  // an issuer, and the API sums such funds into no issuer group either.
  const fundsWithoutIssuer = funds.filter((fund) => fund.issuer === null);
  const withIssuer = funds.filter((fund): fund is FundSummary & { issuer: string } => fund.issuer !== null);
  const issuers = groupFunds(withIssuer, (fund) => fund.issuer).map(([name, members]) => ({
    slug: issuerSlug(name),
    name,
    funds: members,
    aum: members.reduce((sum, fund) => sum + aumOf(fund), 0),
  }));
  const issuerByName = new Map(issuers.map((issuer) => [issuer.name, issuer]));
  // Every asset has its page; one no tracked fund holds yet says so.
  const assets = doc.assets.map((asset) => {
    const members = funds.filter((fund) => fund.asset === asset.symbol);
    return { ...asset, funds: members, aum: members.reduce((sum, fund) => sum + aumOf(fund), 0) };
  });

  const rowsByGroup = indexAggregates(doc.aggregates);
  const groupRows = (by: GroupBy, key: string, period: PeriodName): CompleteRow[] =>
    rowsByGroup.get(`${period}\u0000${by}\u0000${key}`) ?? [];
  const rowsByLabel = memo(
    (id: string) => new Map((rowsByGroup.get(id) ?? []).map((row) => [row.label, row] as const)),
  );
  const rowsByPeriod = groupBy(
    Object.values(doc.aggregates).flat(),
    (row) => `${row.period}\u0000${row.label}`,
  );
  const flags = dateFlags(data, fundByTicker);
  const completeness = (row: CompleteRow) =>
    completenessOf(row, flags(row.by, row.key).awaiting?.(row.start, row.end) ?? []);
  const lastCompleteDay = memo((id: string) => {
    const [by, key] = id.split("\u0000") as [GroupBy, string];
    return lastComplete(groupRows(by, key, "day"), (row) => completeness(row).completeness);
  });
  const summary = doc.summary as CompleteSummary;
  const totalDays = groupRows("total", "all", "day");
  const reportRow = totalDays.findLast((row) => row.start === summary.report_date);
  // The API's headline date when it gives one, else the last day the rows show complete.
  const headlineDate =
    summary.headline_date !== undefined
      ? summary.headline_date
      : (lastCompleteDay(`total\u0000all`)?.start ?? null);
  const headline: Headline = {
    date: headlineDate,
    row: headlineDate === null ? undefined : rowsByLabel(`day\u0000total\u0000all`).get(headlineDate),
    reportDate: summary.report_date,
    report:
      summary.report_date_completeness !== undefined
        ? {
            completeness: summary.report_date_completeness as Completeness,
            awaiting: summary.report_date_awaiting ?? [],
          }
        : reportRow
          ? completeness(reportRow)
          : { completeness: null, awaiting: [] },
  };
  const group = memo((id: string) => {
    const [period, by, key] = id.split("\u0000") as [PeriodName, GroupBy, string];
    const groupFlags = flags(by, key);
    return groupRows(by, key, period).map((row) => groupSlice(row, groupFlags));
  });

  const slicesByLabel = memo(
    (id: string) => new Map(group(id).map((slice) => [slice.label, slice] as const)),
  );

  const fundHistory = (ticker: string) => data.daily.get(ticker) ?? NO_HISTORY;
  // Only the last few funds' days are kept: the pages being built now ask for them several times,
  // and keeping every fund's would hold millions of objects for the whole build.
  // A fund's days before its listing (a trust's, before it became an ETF) are no part of its pages.
  const fundDays = recent(
    (ticker: string) => fundDaySlices(fundHistory(ticker)).filter((day) => day.status !== "not_listed"),
    8,
  );
  const fundWeeks = memo((ticker: string) => rollUp(fundDays(ticker), "week"));
  const fundMonths = memo((ticker: string) => rollUp(fundDays(ticker), "month"));
  // A week page reads each fund's seven days only: never every fund's every week.
  const flowsInWeek = recent((label: string) => fundsInWeek(fundsByTicker, fundHistory, label), 4);
  const assetAumByDate = memo((symbol: string) => {
    const rows = groupRows("asset", symbol, "day");
    return new Map(rows.map((row) => [row.start, num(row.aum_usd) ?? 0]));
  });
  const revisions = indexRevisions(data.revisions, funds);

  return {
    data,
    summary,
    reportDate: doc.summary.report_date,
    funds,
    fundsByTicker,
    fund: (ticker) => fundByTicker.get(ticker),
    issuers: issuers.sort((a, b) => b.aum - a.aum),
    issuerOf: (name) => issuerByName.get(name),
    fundsWithoutIssuer,
    assets,
    asset: (symbol) => assets.find((asset) => asset.symbol === symbol),
    group: (by, key, period) => group(`${period}\u0000${by}\u0000${key}`),
    groupAt: (by, key, period, label) => slicesByLabel(`${period}\u0000${by}\u0000${key}`).get(label),
    groupRows,
    groupRow: (by, key, period, label) => rowsByLabel(`${period}\u0000${by}\u0000${key}`).get(label),
    completeness,
    lastCompleteDay: (by, key) => lastCompleteDay(`${by}\u0000${key}`),
    headline,
    periodRows: (period, label) => rowsByPeriod.get(`${period}\u0000${label}`) ?? [],
    fundDays,
    fundPeriods: (ticker, period) => (period === "week" ? fundWeeks(ticker) : fundMonths(ticker)),
    fundRows: (ticker) => exactRows(fundHistory(ticker)),
    fundHistory,
    fundFlowsInWeek: flowsInWeek,
    fundShare: (ticker) => {
      const fund = fundByTicker.get(ticker);
      const totals = assetAumByDate(fund?.asset ?? "");
      return fundDays(ticker).map((day) => {
        const total = totals.get(day.start) ?? 0;
        return { date: day.start, share: total > 0 ? day.aum / total : null };
      });
    },
    revisionsOfFund: (ticker) => revisions.byFund.get(ticker) ?? [],
    revisionsOfAsset: (symbol) => revisions.byAsset.get(symbol) ?? [],
    // A week before any fund listed (GBTC's days as a trust) has nothing to report on.
    weeks: groupRows("total", "all", "week")
      .filter((row) => row.funds_listed > 0)
      .map((row) => row.label),
    events: eventsOf(data.events ?? []),
  };
}
