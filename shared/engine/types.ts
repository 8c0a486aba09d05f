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
}

export interface EngineOptions {
  /** Deduct fee_bps / 10000 / 365 of the coins held each calendar day. */
  accrueFees: boolean;
}

/**
 * One fund on one calendar day. Identity, exact to the cent:
 * aumUsd − previous aumUsd = (flowEffectUsd ?? 0) + marketEffectUsd + otherEffectUsd + feeEffectUsd
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
  /** Corporate actions, reconciliation residuals, opening holdings and rounding remainders. */
  otherEffectUsd: bigint;
  /** Fee drag: zero or negative. */
  feeEffectUsd: bigint;
  /** Holdings mark minus the rolled-forward units, on days with a mark; else 0. */
  residualUnits: bigint;
  transferUnits: bigint;
  feeUnits: bigint;
  /** Sum of every reported flow from the first day to this one, exact. */
  cumulativeFlowUsd: bigint;
}
