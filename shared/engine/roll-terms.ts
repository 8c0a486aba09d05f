// What stays fixed while one fund is rolled: its facts indexed by day, its listing window, its fee
// rules, and the unit rules (a flow in coins, a day's fee, a distribution) both roll directions share.
import { addDays, toDayNumber } from "../dates.ts";
import { usdToUnits } from "../decimal.ts";
import { type DatedFacts, indexByDay, sumTransfersByDay } from "./fact-index.ts";
import { type FeeRule, feeRuleOn, feeRulesOf, feeUnitsUnder } from "./fees.ts";
import { PricePath } from "./price-path.ts";
import { type Divisor, unitsPriceToCents } from "./rounding.ts";
import type {
  Distribution,
  EngineOptions,
  FlowFact,
  FundLedger,
  HoldingsMark,
  TransferFact,
} from "./types.ts";

export interface RollTerms {
  decimals: number;
  /** Divides units × price down to cents. */
  toCents: Divisor;
  prices: ReadonlyMap<string, bigint>;
  isTradingDay: (date: string) => boolean;
  flows: DatedFacts<FlowFact>;
  holdings: DatedFacts<HoldingsMark>;
  transfers: DatedFacts<TransferFact>;
  /** Staking rewards credited, summed by day. */
  income: DatedFacts<TransferFact>;
  distributions: DatedFacts<Distribution>;
  /** The fee rules in day order; empty when no fee is accrued, so one check skips the fee rule. */
  fees: readonly FeeRule[];
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
    transfers: sumTransfersByDay([...ledger.transfers, ...seedCredit(ledger)]),
    income: sumTransfersByDay(ledger.stakingRewards ?? []),
    distributions: sumDistributionsByDay(ledger.distributions ?? []),
    fees: feeRulesOf(ledger, options.accrueFees),
    listedDay: fund.listed_on ? toDayNumber(fund.listed_on) : Number.NEGATIVE_INFINITY,
    delistedDay: fund.delisted_on ? toDayNumber(fund.delisted_on) : Number.POSITIVE_INFINITY,
  };
}

/** Several distributions on one ex-date add up; one in USD and one in coins stay both. */
function sumDistributionsByDay(distributions: readonly Distribution[]): DatedFacts<Distribution> {
  const totals = new Map<string, Distribution>();
  for (const { date, usd, units } of distributions) {
    const sum = totals.get(date) ?? { date, usd: null, units: null };
    if (usd !== null) sum.usd = (sum.usd ?? 0n) + usd;
    if (units !== null) sum.units = (sum.units ?? 0n) + units;
    totals.set(date, sum);
  }
  return indexByDay([...totals.values()], "distribution totals");
}

/**
 * The seed as coins credited on the listing day, like a transfer in (docs/method.md): its USD at the
 * close of the day before listing (carried as the roll carries closes), half-even. None when a
 * holdings mark or a transfer in already gives the fund its first coins on or before that day.
 */
function seedCredit(ledger: FundLedger): TransferFact[] {
  const seed = ledger.seed;
  if (!seed || seed.usd <= 0n) return [];
  const opened =
    ledger.holdings.some((mark) => mark.date <= seed.date) ||
    ledger.transfers.some((transfer) => transfer.units > 0n && transfer.date <= seed.date);
  if (opened) return [];
  const path = new PricePath(ledger.prices, addDays(seed.date, -1));
  path.moveTo(addDays(seed.date, -1));
  const price = path.price;
  return price === null || price <= 0n
    ? []
    : [{ date: seed.date, units: usdToUnits(seed.usd, price, ledger.decimals) }];
}

/** delisted_on is the last day of trading, so it still counts as listed. */
export function isListedOn(terms: RollTerms, day: number): boolean {
  return day >= terms.listedDay && day <= terms.delistedDay;
}

/** Fee accrued on `day` on the coins held at the end of the day before, while listed. */
export function accruedFeeUnits(
  terms: RollTerms,
  heldUnits: bigint,
  day: number,
  price: bigint | null,
): bigint {
  if (terms.fees.length === 0 || heldUnits <= 0n || !isListedOn(terms, day)) return 0n;
  const rule = feeRuleOn(terms.fees, day);
  return rule === undefined ? 0n : feeUnitsUnder(rule, heldUnits, day, price, terms.decimals);
}

/** Coins a distribution takes out: its own units, or its USD at the day's close. */
export function distributionUnits(
  paid: Distribution | undefined,
  price: bigint | null,
  decimals: number,
): bigint {
  if (paid === undefined) return 0n;
  const sold =
    paid.usd === null || price === null || price <= 0n ? 0n : usdToUnits(paid.usd, price, decimals);
  return sold + (paid.units ?? 0n);
}

/** A flow's coins: the source's own units when given, else its USD at the day's close. */
export function flowUnits(flow: FlowFact | undefined, price: bigint | null, decimals: number): bigint {
  if (flow === undefined) return 0n;
  if (flow.units !== null) return flow.units;
  if (price === null || price <= 0n) return 0n;
  return usdToUnits(flow.netFlowUsd, price, decimals);
}
