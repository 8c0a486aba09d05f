// Coins a fund holds before its first day. Where the fund held coins before its first flow (a trust
// whose first filing predates its first creation), the identity is rolled backwards from the earliest
// holdings mark, undoing each day's transfers and fees, so the forward roll lands on that mark exactly.
// Where flows come first, the fund opens with its seed (Farside's Seed row, at the close of the day
// before listing) or with nothing, and a later mark shows what the flow record missed as the
// reconciliation residual of its day (DOMAIN.md): rolling back over flows would hide that drift.
import { isoDateOf } from "./day-numbers.ts";
import { FactCursor } from "./fact-index.ts";
import { PricePath } from "./price-path.ts";
import { accruedFeeUnits, FEE_DIVISOR, feeBpsOn, flowUnits, type RollTerms } from "./roll-terms.ts";

/** Units at the end of the day before `anchorDay`; 0 when the earliest mark is on the anchor or none exists. */
export function openingUnits(terms: RollTerms, anchorDay: number): bigint {
  const markDay = terms.holdings.days[0];
  const mark = terms.holdings.facts[0];
  const firstFlowDay = terms.flows.days[0];
  const flowsFirst = firstFlowDay !== undefined && markDay !== undefined && firstFlowDay < markDay;
  if (markDay === undefined || mark === undefined || markDay <= anchorDay || flowsFirst) {
    return opensWithSeed(terms, anchorDay) ? terms.seedUnits : 0n;
  }
  const deltas = dailyUnitDeltas(terms, anchorDay, markDay);
  let units = mark.units;
  for (let day = markDay; day >= anchorDay; day--) {
    units = unitsBeforeFee(terms, units - (deltas[day - anchorDay] as bigint), day);
  }
  // More redeemed than the mark can explain: start from nothing and let the residual show it.
  return units > 0n ? units : 0n;
}

/** A seed opens the fund unless a holdings mark or a transfer in already does, on or before its first day. */
function opensWithSeed(terms: RollTerms, anchorDay: number): boolean {
  if (terms.seedUnits === 0n) return false;
  const markDay = terms.holdings.days[0];
  if (markDay !== undefined && markDay <= anchorDay) return false;
  const transferDay = terms.transfers.days[0];
  const transfer = terms.transfers.facts[0];
  return !(
    transferDay !== undefined &&
    transferDay <= anchorDay &&
    transfer !== undefined &&
    transfer.units > 0n
  );
}

/** Flow plus transfer units of each day from `fromDay` to `toDay`, priced as the forward roll prices them. */
function dailyUnitDeltas(terms: RollTerms, fromDay: number, toDay: number): bigint[] {
  const prices = new PricePath(terms.prices, isoDateOf(fromDay));
  const flows = new FactCursor(terms.flows, fromDay);
  const transfers = new FactCursor(terms.transfers, fromDay);
  const deltas: bigint[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    prices.moveTo(isoDateOf(day));
    const moved = transfers.on(day)?.units ?? 0n;
    deltas.push(flowUnits(flows.on(day), prices.price, terms.decimals) + moved);
  }
  return deltas;
}

/**
 * The held units h with h − fee(h) = `afterFee`. h − fee(h) grows by 0 or 1 per unit of h, so an
 * exact h always exists; the estimate afterFee / (1 − rate) is off by a unit or two at most.
 */
function unitsBeforeFee(terms: RollTerms, afterFee: bigint, day: number): bigint {
  const net = FEE_DIVISOR.value - feeBpsOn(terms, day);
  if (afterFee <= 0n || accruedFeeUnits(terms, afterFee, day) === 0n || net <= 0n) return afterFee;
  let held = (afterFee * FEE_DIVISOR.value) / net;
  while (held - accruedFeeUnits(terms, held, day) > afterFee) held--;
  while (held - accruedFeeUnits(terms, held, day) < afterFee) held++;
  return held;
}
