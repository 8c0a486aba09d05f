// What the AUM engine reads and writes. Money is exact: USD in cents, prices at scale 8,
// coin units at the asset's decimals, all as bigint (see ../decimal.ts).
import type { DayState, FlowStatus, Fund } from "../domain.ts";

/** One fund's ledger as the engine sees it: for each key, the winning source's latest value. */
export interface FundLedger {
  fund: Fund;
  /** The asset's decimals: the scale of every `units` value of this fund. */
  decimals: number;
  /** Daily closes of the fund's asset by date (scale 8), sparse: gaps are carried forward. */
  prices: ReadonlyMap<string, bigint>;
  flows: readonly FlowFact[];
  holdings: readonly HoldingsMark[];
  /** Coins moved in (+) or out (−) of this fund by corporate actions, by date. */
  transfers: readonly TransferFact[];
  /** The sponsor's opening position at listing (Farside's Seed row); none when not published. */
  seed?: SeedFact | null;
  /** The fee in force from each date on (fee_change events); before the first, fund.fee_bps. */
  feeChanges?: readonly FeeChange[];
  /** Coins credited by staking and retained in the fund: they raise units (the income term). */
  stakingRewards?: readonly StakingReward[];
  /** Value paid out to shareholders on the ex-date, in USD or in coins (the distribution term). */
  distributions?: readonly Distribution[];
  /** True when the fund's exchange trades on that date (weekends and holidays are false). */
  isTradingDay: (date: string) => boolean;
}

export interface FlowFact {
  date: string;
  /** Net creations minus redemptions, cents. */
  netFlowUsd: bigint;
  /** The flow in coins when the source gave it; else it is netFlowUsd / price. */
  units: bigint | null;
  /** A withdrawn figure is no figure: the ledger's loader leaves it out. */
  status: Exclude<FlowStatus, "withdrawn">;
}

export interface HoldingsMark {
  date: string;
  units: bigint;
}

export interface TransferFact {
  date: string;
  /** Signed: positive into this fund, negative out of it. */
  units: bigint;
}

export interface SeedFact {
  /** The listing date: the seed is valued at the close of the day before. */
  date: string;
  /** Cents. */
  usd: bigint;
}

export interface FeeChange {
  date: string;
  feeBps: number;
  /** A lower fee while it lasts: until a date (inclusive), and/or on the first `upToUsd` of assets only. */
  waiver?: FeeWaiver | null;
}

export interface FeeWaiver {
  feeBps: number;
  until: string | null;
  /** Cents: the waived fee applies to assets up to this value, the full fee above it. */
  upToUsd: bigint | null;
}

export interface StakingReward {
  date: string;
  units: bigint;
}

export interface Distribution {
  date: string;
  /** Cents paid out; null when paid in coins. */
  usd: bigint | null;
  /** Coins paid out; null when paid in USD (the coins sold for it are usd / the day's close). */
  units: bigint | null;
}

export interface EngineOptions {
  /** Deduct fee_bps / 10000 / 365 of the coins held each calendar day. */
  accrueFees: boolean;
}

/**
 * One fund on one calendar day. Identity, exact to the cent:
 * aumUsd − previous aumUsd = (flowEffectUsd ?? 0) + marketEffectUsd + incomeEffectUsd
 *   + distributionEffectUsd + otherEffectUsd + feeEffectUsd
 * (the first row of a fund has previous aumUsd 0).
 */
export interface FundDay {
  date: string;
  state: DayState;
  /** Close used for the day, scale 8; null only if the asset has no price at all yet. */
  priceUsd: bigint | null;
  /** True when the close was carried from another day's mark. */
  priceStale: boolean;
  units: bigint;
  /** units × price, rounded to the cent. */
  aumUsd: bigint;
  /** The reported flow; null on missing, holiday and not_listed days (never 0 for "nothing"). */
  netFlowUsd: bigint | null;
  flowEffectUsd: bigint | null;
  marketEffectUsd: bigint;
  /** Staking rewards retained, at the day's close: zero or positive. */
  incomeEffectUsd: bigint;
  /** Value paid out to shareholders: zero or negative. */
  distributionEffectUsd: bigint;
  /** Corporate actions, reconciliation residuals, opening holdings and rounding remainders. */
  otherEffectUsd: bigint;
  /** Fee drag: zero or negative. */
  feeEffectUsd: bigint;
  /** Holdings mark minus the rolled-forward units, on days with a mark; else 0. */
  residualUnits: bigint;
  transferUnits: bigint;
  feeUnits: bigint;
  incomeUnits: bigint;
  /** Coins that left the fund for a distribution. */
  distributionUnits: bigint;
  /** Sum of every reported flow from the first day to this one, exact. */
  cumulativeFlowUsd: bigint;
}
