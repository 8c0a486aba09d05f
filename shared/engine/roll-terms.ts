// What stays fixed while one fund is rolled: its facts indexed by day, its listing window, its fee
// rate, and the two unit rules (a flow in coins, a day's fee) both roll directions must share.
import { usdToUnits } from "../decimal.ts";
import { dayNumberOf } from "./day-numbers.ts";
import { type DatedFacts, indexByDay, sumTransfersByDay } from "./fact-index.ts";
import { type Divisor, divideHalfEven, divisor, unitsPriceToCents } from "./rounding.ts";
import type { EngineOptions, FlowFact, FundLedger, HoldingsMark, TransferFact } from "./types.ts";

/** fee_bps is per year: a day's share is bps / 10_000 / 365. */
export const FEE_DIVISOR = divisor(3_650_000n);

export interface RollTerms {
  decimals: number;
  /** Divides units × price down to cents. */
  toCents: Divisor;
  prices: ReadonlyMap<string, bigint>;
  isTradingDay: (date: string) => boolean;
  flows: DatedFacts<FlowFact>;
  holdings: DatedFacts<HoldingsMark>;
  transfers: DatedFacts<TransferFact>;
  /** 0n when fees are not accrued, so one comparison skips the whole fee rule. */
  feeBps: bigint;
  listedDay: number;
  delistedDay: number;
}

export function rollTerms(ledger: FundLedger, options: EngineOptions): RollTerms {
  const { fund } = ledger;
  return {
    decimals: ledger.decimals,
    toCents: unitsPriceToCents(ledger.decimals),
    prices: ledger.prices,
    isTradingDay: ledger.isTradingDay,
    flows: indexByDay(ledger.flows, "flows"),
    holdings: indexByDay(ledger.holdings, "holdings marks"),
    transfers: sumTransfersByDay(ledger.transfers),
    feeBps: options.accrueFees ? BigInt(fund.fee_bps) : 0n,
    listedDay: fund.listed_on ? dayNumberOf(fund.listed_on) : Number.NEGATIVE_INFINITY,
    delistedDay: fund.delisted_on ? dayNumberOf(fund.delisted_on) : Number.POSITIVE_INFINITY,
  };
}

/** delisted_on is the last day of trading, so it still counts as listed. */
export function isListedOn(terms: RollTerms, day: number): boolean {
  return day >= terms.listedDay && day <= terms.delistedDay;
}

/** Fee accrued on `day` on the coins held at the end of the day before, while listed. */
export function accruedFeeUnits(terms: RollTerms, heldUnits: bigint, day: number): bigint {
  if (terms.feeBps === 0n || heldUnits <= 0n || !isListedOn(terms, day)) return 0n;
  return divideHalfEven(heldUnits * terms.feeBps, FEE_DIVISOR);
}

/** A flow's coins: the source's own units when given, else its USD at the day's close. */
export function flowUnits(flow: FlowFact | undefined, price: bigint | null, decimals: number): bigint {
  if (flow === undefined) return 0n;
  if (flow.units !== null) return flow.units;
  if (price === null || price <= 0n) return 0n;
  return usdToUnits(flow.netFlowUsd, price, decimals);
}
