// What stays fixed while one fund is rolled: its facts indexed by day, its listing window, its fee
// rate, and the two unit rules (a flow in coins, a day's fee) both roll directions must share.
import { addDays } from "../dates.ts";
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
  /**
   * The fee at the anchor: 0n when fees are not accrued or the fee is not known, so one comparison
   * skips the whole fee rule.
   */
  feeBps: bigint;
  /** Later fees in force from a day on, in day order (empty when fees are not accrued). */
  feeSchedule: readonly { day: number; bps: bigint }[];
  /** Units the seed opens the fund with (0n without a seed). */
  seedUnits: bigint;
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
    feeBps: options.accrueFees ? BigInt(fund.fee_bps ?? 0) : 0n,
    feeSchedule: options.accrueFees ? feeScheduleOf(ledger) : [],
    seedUnits: seedUnitsOf(ledger),
    listedDay: fund.listed_on ? dayNumberOf(fund.listed_on) : Number.NEGATIVE_INFINITY,
    delistedDay: fund.delisted_on ? dayNumberOf(fund.delisted_on) : Number.POSITIVE_INFINITY,
  };
}

function feeScheduleOf(ledger: FundLedger): { day: number; bps: bigint }[] {
  return [...(ledger.feeChanges ?? [])]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((change) => ({ day: dayNumberOf(change.date), bps: BigInt(change.feeBps) }));
}

/** The seed in coins: its USD at the close of the day before listing (DOMAIN.md), half-even. */
function seedUnitsOf(ledger: FundLedger): bigint {
  const seed = ledger.seed;
  if (!seed || seed.usd <= 0n) return 0n;
  const price = closeOnOrBefore(ledger.prices, addDays(seed.date, -1));
  return price === null ? 0n : usdToUnits(seed.usd, price, ledger.decimals);
}

function closeOnOrBefore(prices: ReadonlyMap<string, bigint>, date: string): bigint | null {
  let best: string | null = null;
  for (const day of prices.keys()) if (day <= date && (best === null || day > best)) best = day;
  return best === null ? null : (prices.get(best) as bigint);
}

/** The fee in force on `day`: the latest change on or before it, else the fee at listing. */
export function feeBpsOn(terms: RollTerms, day: number): bigint {
  let bps = terms.feeBps;
  for (const change of terms.feeSchedule) {
    if (change.day > day) break;
    bps = change.bps;
  }
  return bps;
}

/** delisted_on is the last day of trading, so it still counts as listed. */
export function isListedOn(terms: RollTerms, day: number): boolean {
  return day >= terms.listedDay && day <= terms.delistedDay;
}

/** Fee accrued on `day` on the coins held at the end of the day before, while listed. */
export function accruedFeeUnits(terms: RollTerms, heldUnits: bigint, day: number): bigint {
  if ((terms.feeBps === 0n && terms.feeSchedule.length === 0) || heldUnits <= 0n || !isListedOn(terms, day))
    return 0n;
  const bps = terms.feeSchedule.length === 0 ? terms.feeBps : feeBpsOn(terms, day);
  return bps === 0n ? 0n : divideHalfEven(heldUnits * bps, FEE_DIVISOR);
}

/** A flow's coins: the source's own units when given, else its USD at the day's close. */
export function flowUnits(flow: FlowFact | undefined, price: bigint | null, decimals: number): bigint {
  if (flow === undefined) return 0n;
  if (flow.units !== null) return flow.units;
  if (price === null || price <= 0n) return 0n;
  return usdToUnits(flow.netFlowUsd, price, decimals);
}
