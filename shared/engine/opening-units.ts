// Coins a fund holds before its first day. Where the fund held coins before its first flow (a trust
// whose first filing predates its first creation), the identity is rolled backwards from the earliest
// holdings mark, undoing each day's transfers, staking income, distributions and fees, so the forward roll lands on that mark exactly.
// Where flows come first, the fund opens with nothing (a seed is credited on its listing day, see
// roll-terms.ts), and a later mark shows what the flow record missed as the reconciliation residual
// of its day (docs/method.md): rolling back over flows would hide that drift.
import { isoDateOf } from "./day-numbers.ts";
import { FactCursor } from "./fact-index.ts";
import { feeRuleOn, unitsBeforeFee } from "./fees.ts";
import { PricePath } from "./price-path.ts";
import { distributionUnits, flowUnits, isListedOn, type RollTerms } from "./roll-terms.ts";

/** Units at the end of the day before `anchorDay`; 0 when the earliest mark is on the anchor or none exists. */
export function openingUnits(terms: RollTerms, anchorDay: number): bigint {
  const markDay = terms.holdings.days[0];
  const mark = terms.holdings.facts[0];
  const firstFlowDay = terms.flows.days[0];
  const flowsFirst = firstFlowDay !== undefined && markDay !== undefined && firstFlowDay < markDay;
  if (markDay === undefined || mark === undefined || markDay <= anchorDay || flowsFirst) return 0n;
  const { deltas, closes } = dailyUnitDeltas(terms, anchorDay, markDay);
  let units = mark.units;
  for (let day = markDay; day >= anchorDay; day--) {
    const afterFee = units - (deltas[day - anchorDay] as bigint);
    units = isListedOn(terms, day)
      ? unitsBeforeFee(
          feeRuleOn(terms.fees, day),
          afterFee,
          day,
          closes[day - anchorDay] ?? null,
          terms.decimals,
        )
      : afterFee;
  }
  // More redeemed than the mark can explain: start from nothing and let the residual show it.
  return units > 0n ? units : 0n;
}

/**
 * Flow, transfer, staking and distribution units of each day from `fromDay` to `toDay`, priced as the
 * forward roll prices them, with each day's close (which a fee waiver's threshold is valued at).
 */
function dailyUnitDeltas(terms: RollTerms, fromDay: number, toDay: number) {
  const prices = new PricePath(terms.prices, isoDateOf(fromDay));
  const flows = new FactCursor(terms.flows, fromDay);
  const transfers = new FactCursor(terms.transfers, fromDay);
  const income = new FactCursor(terms.income, fromDay);
  const distributions = new FactCursor(terms.distributions, fromDay);
  const deltas: bigint[] = [];
  const closes: (bigint | null)[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    prices.moveTo(isoDateOf(day));
    const price = prices.price;
    const moved = (transfers.on(day)?.units ?? 0n) + (income.on(day)?.units ?? 0n);
    const paid = distributionUnits(distributions.on(day), price, terms.decimals);
    deltas.push(flowUnits(flows.on(day), price, terms.decimals) + moved - paid);
    closes.push(price);
  }
  return { deltas, closes };
}
