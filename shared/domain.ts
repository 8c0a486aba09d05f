// The things aumflow knows about, as the engine and the API both see them (docs/method.md).

export const VEHICLES = ["spot_etf", "etp", "trust", "fund"] as const;
export type Vehicle = (typeof VEHICLES)[number];

export const DAY_STATES = ["final", "provisional", "missing", "holiday", "not_listed"] as const;
export type DayState = (typeof DAY_STATES)[number];

/**
 * final and provisional carry a figure; withdrawn says the source took its figure back (Farside
 * replaced a placeholder 0.0 by "-"): the key then has no figure, and a lower-ranked source's stands.
 */
export const FLOW_STATUSES = ["final", "provisional", "withdrawn"] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

export const SCOPES = [
  "flows:write",
  "prices:write",
  "holdings:write",
  "funds:write",
  "events:write",
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Asset {
  symbol: string;
  name: string;
  /** Coin units are exact at this many decimal places (BTC 8, ETH 18, SOL 9). */
  decimals: number;
}

export const KNOWN_ASSETS: readonly Asset[] = [
  { symbol: "BTC", name: "Bitcoin", decimals: 8 },
  { symbol: "ETH", name: "Ether", decimals: 18 },
  { symbol: "SOL", name: "Solana", decimals: 9 },
];

export const STAKING_POLICIES = ["none", "retained", "distributed", "mixed"] as const;
export type StakingPolicy = (typeof STAKING_POLICIES)[number];

/** Metadata nobody has published is null ("not known"), never a guess. */
export interface Fund {
  ticker: string;
  name: string | null;
  issuer: string | null;
  asset: string;
  vehicle: Vehicle | null;
  /** ISO 3166-1 alpha-2 */
  country: string;
  /**
   * ISO 10383 MIC of the listing venue; decides the trading calendar. Null when not known: a US fund
   * then trades on the NYSE calendar, which every US venue shares (see calendarOf).
   */
  exchange: string | null;
  listed_on: string;
  /** Last day of trading, from a delisting event; null while listed. */
  delisted_on: string | null;
  /** Sponsor fee at listing, basis points a year; null when not known (no fee is then accrued). */
  fee_bps: number | null;
  /** What the fund does with staking rewards; null when not known. */
  staking_policy: StakingPolicy | null;
}

/** The metadata a fund write sets (PUT /v1/funds/{ticker}, POST /v1/funds), every change a revision. */
export const FUND_METADATA = [
  "name",
  "issuer",
  "asset",
  "vehicle",
  "country",
  "exchange",
  "listed_on",
  "fee_bps",
  "staking_policy",
] as const;

/** Corporate actions (POST /v1/events), by the name the API and the ledger give them. */
export const EVENT_TYPES = [
  "transfer",
  "delisting",
  "seed",
  "ticker_change",
  "fee_change",
  "distribution",
  "staking_reward",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
