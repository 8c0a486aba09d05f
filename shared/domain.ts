// The things aumflow knows about, as the engine and the API both see them (DOMAIN.md).

export const VEHICLES = ["spot_etf", "etp", "trust", "fund"] as const;
export type Vehicle = (typeof VEHICLES)[number];

export const DAY_STATES = ["final", "provisional", "missing", "holiday", "not_listed"] as const;
export type DayState = (typeof DAY_STATES)[number];

export const FLOW_STATUSES = ["final", "provisional"] as const;
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

export interface Fund {
  ticker: string;
  name: string;
  issuer: string;
  asset: string;
  vehicle: Vehicle;
  /** ISO 3166-1 alpha-2 */
  country: string;
  /** ISO 10383 MIC of the listing venue; decides the trading calendar. */
  exchange: string;
  listed_on: string;
  /** Last day of trading, from a delisting event; null while listed. */
  delisted_on: string | null;
  fee_bps: number;
}
