// The daily AUM of one fund (docs/method.md): units rolled forward by flows, transfers, staking income,
// distributions and fees, replaced by holdings marks, valued at the day's close, and every change of
// AUM attributed to flow, market, income, distribution, fee and other, exact to the cent.
import { addDays, toDayNumber } from "../dates.ts";
import type { DayState } from "../domain.ts";
import { isoDateOf } from "./day-numbers.ts";
import { FactCursor } from "./fact-index.ts";
import { openingUnits } from "./opening-units.ts";
import { firstMarkDate, PricePath } from "./price-path.ts";
import {
  accruedFeeUnits,
  distributionUnits,
  flowUnits,
  isListedOn,
  type RollTerms,
  rollTerms,
} from "./roll-terms.ts";
import { divideHalfEven } from "./rounding.ts";
import type {
  Distribution,
  EngineOptions,
  FlowFact,
  FundDay,
  FundLedger,
  HoldingsMark,
  TransferFact,
} from "./types.ts";

/** Where a fund's history starts: its listing or its first fact, whichever is earlier. */
export function firstAnchor(ledger: FundLedger): string | null {
  let anchor: string | null = ledger.fund.listed_on || null;
  for (const facts of [ledger.flows, ledger.holdings, ledger.transfers, ledger.stakingRewards ?? []]) {
    for (const { date } of facts) if (anchor === null || date < anchor) anchor = date;
  }
  return anchor;
}

/**
 * The first day to recompute after facts dated `changedFrom` or later changed. Days before it
 * depend on no such fact, except: the opening units depend on everything up to the earliest
 * holdings mark, and days before the asset's first price mark borrow that mark.
 */
export function recomputeFrom(ledger: FundLedger, changedFrom: string): string {
  const anchor = firstAnchor(ledger);
  if (anchor === null) return changedFrom;
  if (changedFrom <= anchor) return anchor;
  const earliestMark = ledger.holdings.reduce<string | null>(
    (earliest, { date }) => (earliest === null || date < earliest ? date : earliest),
    null,
  );
  if (earliestMark !== null && changedFrom <= earliestMark) return anchor;
  const firstPrice = firstMarkDate(ledger.prices);
  if (firstPrice !== null && changedFrom <= firstPrice) return anchor;
  return changedFrom;
}

/** What the next day's row starts from. */
interface Carry {
  /** Units the roll adds to and fees accrue on; on the first row, the opening units. */
  rollUnits: bigint;
  /** Units of the previous row as shown (0 before the first row): the base of market effect. */
  heldUnits: bigint;
  aumUsd: bigint;
  priceUsd: bigint | null;
  cumulativeFlowUsd: bigint;
}

interface Cursors {
  prices: PricePath;
  flows: FactCursor<FlowFact>;
  holdings: FactCursor<HoldingsMark>;
  transfers: FactCursor<TransferFact>;
  income: FactCursor<TransferFact>;
  distributions: FactCursor<Distribution>;
}

/**
 * One row per calendar day from the first anchor (or `resume.from`, continuing from the stored
 * row of the day before) to `reportDate` inclusive. A resume on or before the first anchor has
 * nothing to continue from, so it rolls in full.
 */
export function rollFund(
  ledger: FundLedger,
  reportDate: string,
  options: EngineOptions,
  resume?: { from: string; previous: FundDay },
): FundDay[] {
  const anchor = firstAnchor(ledger);
  if (anchor === null || reportDate < anchor) return [];
  const terms = rollTerms(ledger, options);
  const resuming = resume !== undefined && resume.from > anchor;
  const start = resuming ? resume.from : anchor;
  const carry = resuming ? resumedCarry(resume) : openingCarry(terms, toDayNumber(anchor));
  const startDay = toDayNumber(start);
  const cursors: Cursors = {
    prices: new PricePath(terms.prices, start),
    flows: new FactCursor(terms.flows, startDay),
    holdings: new FactCursor(terms.holdings, startDay),
    transfers: new FactCursor(terms.transfers, startDay),
    income: new FactCursor(terms.income, startDay),
    distributions: new FactCursor(terms.distributions, startDay),
  };
  const rows: FundDay[] = [];
  const endDay = toDayNumber(reportDate);
  for (let day = startDay; day <= endDay; day++) rows.push(rollDay(terms, cursors, carry, day));
  return rows;
}

function openingCarry(terms: RollTerms, anchorDay: number): Carry {
  const rollUnits = openingUnits(terms, anchorDay);
  return { rollUnits, heldUnits: 0n, aumUsd: 0n, priceUsd: null, cumulativeFlowUsd: 0n };
}

function resumedCarry({ from, previous }: { from: string; previous: FundDay }): Carry {
  if (previous.date !== addDays(from, -1)) {
    throw new RangeError(`resume from ${from} needs the row of the day before, not ${previous.date}`);
  }
  const { units, aumUsd, priceUsd, cumulativeFlowUsd } = previous;
  return { rollUnits: units, heldUnits: units, aumUsd, priceUsd, cumulativeFlowUsd };
}

function rollDay(terms: RollTerms, cursors: Cursors, carry: Carry, day: number): FundDay {
  const date = isoDateOf(day);
  cursors.prices.moveTo(date);
  const { price: priceUsd, stale: priceStale } = cursors.prices;
  const flow = cursors.flows.on(day);
  const transferUnits = cursors.transfers.on(day)?.units ?? 0n;
  const incomeUnits = cursors.income.on(day)?.units ?? 0n;
  const paid = cursors.distributions.on(day);
  const paidUnits = distributionUnits(paid, priceUsd, terms.decimals);
  const feeUnits = accruedFeeUnits(terms, carry.rollUnits, day, priceUsd);
  const movedUnits = plus(
    plus(flowUnits(flow, priceUsd, terms.decimals), transferUnits),
    incomeUnits - paidUnits,
  );
  const rolled = plus(carry.rollUnits, feeUnits === 0n ? movedUnits : movedUnits - feeUnits);
  const mark = cursors.holdings.on(day);
  const units = mark === undefined ? rolled : mark.units;
  const aumUsd = valueUsd(terms, units, priceUsd);
  const netFlowUsd = flow === undefined ? null : flow.netFlowUsd;
  const marketEffectUsd = marketEffect(terms, carry, priceUsd);
  const feeEffectUsd = feeUnits === 0n ? 0n : -valueUsd(terms, feeUnits, priceUsd);
  const incomeEffectUsd = incomeUnits === 0n ? 0n : valueUsd(terms, incomeUnits, priceUsd);
  const distributionEffectUsd = paid === undefined ? 0n : -distributionValue(terms, paid, priceUsd);
  const explained = plus(
    plus(plus(carry.aumUsd, netFlowUsd ?? 0n), plus(marketEffectUsd, feeEffectUsd)),
    plus(incomeEffectUsd, distributionEffectUsd),
  );
  const cumulativeFlowUsd = plus(carry.cumulativeFlowUsd, netFlowUsd ?? 0n);
  carry.rollUnits = units;
  carry.heldUnits = units;
  carry.aumUsd = aumUsd;
  carry.priceUsd = priceUsd;
  carry.cumulativeFlowUsd = cumulativeFlowUsd;
  return {
    date,
    state: dayState(terms, day, date, flow),
    priceUsd,
    priceStale,
    units,
    aumUsd,
    netFlowUsd,
    flowEffectUsd: netFlowUsd,
    marketEffectUsd,
    incomeEffectUsd,
    distributionEffectUsd,
    // Whatever the named terms do not explain: transfers, residuals, opening units, rounding.
    otherEffectUsd: aumUsd - explained,
    feeEffectUsd,
    residualUnits: mark === undefined ? 0n : mark.units - rolled,
    transferUnits,
    feeUnits,
    incomeUnits,
    distributionUnits: paidUnits,
    cumulativeFlowUsd,
  };
}

/** What a distribution paid, in cents: its USD, plus its coins at the day's close. */
function distributionValue(terms: RollTerms, paid: Distribution, priceUsd: bigint | null): bigint {
  const coins = paid.units === null ? 0n : valueUsd(terms, paid.units, priceUsd);
  return (paid.usd ?? 0n) + coins;
}

/** Most terms of a day are zero; skipping them saves a bigint allocation each. */
function plus(a: bigint, b: bigint): bigint {
  return b === 0n ? a : a === 0n ? b : a + b;
}

/** units × price in cents, as decimal.ts unitsTimesPriceUsd computes it. */
function valueUsd(terms: RollTerms, units: bigint, priceUsd: bigint | null): bigint {
  if (priceUsd === null || units === 0n) return 0n;
  return divideHalfEven(units * priceUsd, terms.toCents);
}

/** What the price move did to the coins held at the end of the day before. */
function marketEffect(terms: RollTerms, carry: Carry, priceUsd: bigint | null): bigint {
  if (priceUsd === null || carry.priceUsd === null || priceUsd === carry.priceUsd) return 0n;
  return valueUsd(terms, carry.heldUnits, priceUsd - carry.priceUsd);
}

/** A flow on a closed or unlisted day still counts as a flow, but the day keeps its state. */
function dayState(terms: RollTerms, day: number, date: string, flow: FlowFact | undefined): DayState {
  if (!isListedOn(terms, day)) return "not_listed";
  if (!terms.isTradingDay(date)) return "holiday";
  return flow === undefined ? "missing" : flow.status;
}
