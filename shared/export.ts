// The wire shapes of what the API serves and the report site is built from.
// Decimal strings for money and units ("111700000.00"), ISO dates, null where nothing was reported.
import type { DayState, Fund } from "./domain.ts";

/**
 * The dimensions funds are grouped by, in the order groups are listed: the total first, as readers
 * look for it first. Every list of them (schemas, the export, the site) is this one.
 */
export const GROUP_BYS = ["total", "asset", "issuer", "country", "vehicle"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export type Period = "day" | "week" | "month" | "ytd";
export type Regime = "inflow-led" | "outflow-led" | "mixed";
/**
 * Whether every listed fund of a group has a figure (final or provisional) for a day: complete; some
 * have none yet: partial; none has: none. Null for a day on which none of the group's funds trades.
 */
export type Completeness = "complete" | "partial" | "none";

/** GET /v1/funds/{ticker}/daily: one row per calendar day. */
export interface FundDayRow {
  date: string;
  state: DayState;
  price_usd: string | null;
  price_stale: boolean;
  units: string;
  aum_usd: string;
  net_flow_usd: string | null;
  flow_effect_usd: string | null;
  market_effect_usd: string;
  other_effect_usd: string;
  fee_effect_usd: string;
  /** Staking rewards retained, at the day's close (>= 0). */
  income_effect_usd: string;
  /** Value paid out to shareholders (<= 0). */
  distribution_effect_usd: string;
  residual_units: string;
  transfer_units: string;
  income_units: string;
  distribution_units: string;
  cumulative_flow_usd: string;
}

/** GET /v1/funds: metadata with the latest figures (null before the fund has any). */
export interface FundSummary extends Fund {
  /**
   * Tickers the fund traded under before a ticker change (the new one took effect on `changed_on`),
   * oldest first; every read and write accepts them.
   */
  former_tickers: { ticker: string; changed_on: string }[];
  /** The fee in force from each date on (fee_change events), after the fee at listing. */
  fee_history: {
    date: string;
    fee_bps: number;
    waiver: { fee_bps: number; until: string | null; up_to_usd: string | null } | null;
  }[];
  /**
   * The data_version at which the fund's daily rows last changed (null before any were computed): a
   * client that keeps them fetches them again only when it moves.
   */
  days_version: number | null;
  latest: {
    date: string;
    state: DayState;
    aum_usd: string;
    units: string;
    cumulative_flow_usd: string;
    /** Share of the AUM of all funds holding the same asset, 0..1, as a decimal string. */
    market_share: string | null;
  } | null;
}

/** GET /v1/aggregate: one group over one period (a day, an ISO week, a month, the year to date). */
export interface AggregateRow {
  by: GroupBy;
  /** "all" for total; else the asset symbol, issuer name, country code or vehicle. */
  key: string;
  period: Period;
  /** "2024-01-11", "2024-W02", "2024-01", "2024" */
  label: string;
  start: string;
  end: string;
  /** AUM at the end of the period. */
  aum_usd: string;
  /** Sum of reported flows; null when no fund of the group reported any. */
  net_flow_usd: string | null;
  flow_effect_usd: string;
  market_effect_usd: string;
  other_effect_usd: string;
  fee_effect_usd: string;
  income_effect_usd: string;
  distribution_effect_usd: string;
  cumulative_flow_usd: string;
  flow_5d_usd: string;
  flow_20d_usd: string;
  /** flow_20d_usd / AUM at the start of the 20-day window, as a decimal string; null if that AUM is 0. */
  organic_growth_20d: string | null;
  /** Consecutive flow days in one direction at the period's end: +n inflow days, −n outflow days. */
  streak: number;
  streak_record_inflow: number;
  streak_record_outflow: number;
  /** Share of listed funds with an inflow (0..1); null when no fund traded. */
  breadth: string | null;
  /** Share of the total AUM (by=total: 1). */
  market_share_aum: string | null;
  /** Share of the total's gross flows. */
  market_share_flow: string | null;
  regime: Regime;
  funds_listed: number;
  funds_reporting: number;
  funds_inflow: number;
  funds_outflow: number;
  /** Fund-days with a provisional figure (summed over the period's days, like funds_reporting). */
  funds_provisional: number;
  /** Fund-days of listed funds on a trading day with no figure yet (summed over the period's days). */
  funds_missing: number;
  /**
   * Null when no fund of the group trades in the period (a weekend, a holiday). A week, month or year
   * is complete when each of its trading days is, none when none of them has any figure, else partial.
   */
  completeness: Completeness | null;
  /** Tickers of the group's funds still without a figure on some trading day of the period, sorted. */
  awaiting: string[];
}

/** GET /v1/revisions */
export interface RevisionRow {
  id: number;
  entity: "fund" | "asset" | "price" | "flow" | "holding" | "event" | "source_rank";
  /** The fund or asset the fact is about. */
  subject: string;
  /** The fact's date (null for metadata and rankings). */
  date: string | null;
  key: string;
  old_value: unknown;
  new_value: unknown;
  recorded_at: string;
  /** When the public first saw the value, where the provider knows it (a replayed publisher history). */
  observed_at: string | null;
  source: string;
}

export interface AttributionChange {
  from: string;
  to: string;
  aum_change_usd: string;
  flow_effect_usd: string;
  market_effect_usd: string;
  other_effect_usd: string;
  fee_effect_usd: string;
  income_effect_usd: string;
  distribution_effect_usd: string;
}

/** GET /v1/summary: the headline figures, served from KV. */
export interface Summary {
  data_version: number;
  /** The newest day any fund has a figure for; often still partial while publishers fill it in. */
  report_date: string | null;
  report_date_completeness: Completeness | null;
  /** Funds with no figure yet on the report date, sorted. */
  report_date_awaiting: string[];
  /**
   * The last complete day of all funds: the day total_aum_usd, changes, net_flow_usd, streak, regime,
   * organic_growth_20d and the top flows are of. Null when no day is complete yet (they are then empty).
   */
  headline_date: string | null;
  last_final_date: string | null;
  provisional_dates: string[];
  /** Trading days up to the report date with no flow on record, by fund. */
  missing: { fund: string; date: string }[];
  /** At headline_date; null when there is none. */
  total_aum_usd: string | null;
  changes: {
    day: AttributionChange;
    week: AttributionChange;
    month: AttributionChange;
    ytd: AttributionChange;
  } | null;
  net_flow_usd: string | null;
  streak: number;
  regime: Regime;
  organic_growth_20d: string | null;
  top_inflows: { fund: string; net_flow_usd: string }[];
  top_outflows: { fund: string; net_flow_usd: string }[];
  by_asset: SummaryAsset[];
}

/** One asset in the summary: its headline day (its own last complete day) and its report date's state. */
export interface SummaryAsset {
  asset: string;
  /** At the asset's headline_date; null when it has none. */
  aum_usd: string | null;
  headline_date: string | null;
  net_flow_usd: string | null;
  /** The newest day any fund of the asset has a figure for. */
  report_date: string | null;
  /** Of the asset's report date. */
  completeness: Completeness | null;
  /** The asset's funds with no figure yet on its report date, sorted. */
  awaiting: string[];
}

/** The aggregate rows of an export page, by period. */
export interface ExportAggregates {
  day: AggregateRow[];
  week: AggregateRow[];
  month: AggregateRow[];
  ytd: AggregateRow[];
}

/**
 * GET /v1/export: what the report site is built from, a calendar year of aggregates a page. This first
 * page holds the first year's (an ISO week counts in the year of its Monday); `next` links the next
 * year's page (ExportYearPage), null on the last. The pages' aggregates appended in order are the whole
 * history: a document with `next` null holds every year. Per-fund daily rows come from /v1/daily.
 */
export interface ExportDocument {
  data_version: number;
  generated_at: string;
  summary: Summary;
  assets: { symbol: string; name: string; decimals: number }[];
  funds: FundSummary[];
  aggregates: ExportAggregates;
  next: string | null;
}

/** GET /v1/export?year=YYYY: one later year's aggregates, of the same data_version as the first page's. */
export interface ExportYearPage {
  data_version: number;
  year: number;
  aggregates: ExportAggregates;
  next: string | null;
}
