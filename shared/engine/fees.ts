// The sponsor fee a fund accrues each day (docs/method.md, "Fees"): the fee in force that day,
// from the fund's fee at listing and its fee_change events, with waivers: a lower fee until a date,
// or on the first $X of assets only (the full fee on the rest). Shared by both roll directions.

import { toDayNumber } from "../dates.ts";
import { usdToUnits } from "../decimal.ts";
import { divideHalfEven, divisor } from "./rounding.ts";
import type { FundLedger } from "./types.ts";

/** fee_bps is per year: a day's share is bps / 10_000 / 365. */
export const FEE_DIVISOR = divisor(3_650_000n);

export interface FeeRule {
  /** In force from this day on (the first rule from the fund's first day). */
  day: number;
  bps: bigint;
  waiver: { bps: bigint; untilDay: number; upToUsd: bigint | null } | null;
}

/**
 * The fund's rules in day order: its fee at listing (0 when not known, or when fees are not
 * accrued: then the list is empty), then each fee change.
 */
export function feeRulesOf(ledger: FundLedger, accrue: boolean): FeeRule[] {
  if (!accrue) return [];
  const changes = [...(ledger.feeChanges ?? [])].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
  const rules: FeeRule[] = [
    { day: Number.NEGATIVE_INFINITY, bps: BigInt(ledger.fund.fee_bps ?? 0), waiver: null },
  ];
  for (const change of changes) {
    const waiver = change.waiver
      ? {
          bps: BigInt(change.waiver.feeBps),
          untilDay: change.waiver.until ? toDayNumber(change.waiver.until) : Number.POSITIVE_INFINITY,
          upToUsd: change.waiver.upToUsd,
        }
      : null;
    rules.push({ day: toDayNumber(change.date), bps: BigInt(change.feeBps), waiver });
  }
  const charges = rules.some((rule) => rule.bps !== 0n || (rule.waiver && rule.waiver.bps !== 0n));
  return charges ? rules : [];
}

/** The rule in force on `day`: the latest on or before it. */
export function feeRuleOn(rules: readonly FeeRule[], day: number): FeeRule | undefined {
  let found: FeeRule | undefined;
  for (const rule of rules) {
    if (rule.day > day) break;
    found = rule;
  }
  return found;
}

/** The units a waiver's threshold covers at `price`; all of them when there is no threshold or price. */
function waivedUnits(rule: FeeRule, held: bigint, price: bigint | null, decimals: number): bigint {
  const limit = rule.waiver?.upToUsd ?? null;
  if (limit === null || price === null || price <= 0n) return held;
  const covered = usdToUnits(limit, price, decimals);
  return covered < held ? covered : held;
}

/** Fee units on `held` coins on `day` under `rule`, valued at the day's close for a threshold. */
export function feeUnitsUnder(
  rule: FeeRule,
  held: bigint,
  day: number,
  price: bigint | null,
  decimals: number,
): bigint {
  if (held <= 0n) return 0n;
  const waiver = rule.waiver !== null && day <= rule.waiver.untilDay ? rule.waiver : null;
  if (waiver === null) return rule.bps === 0n ? 0n : divideHalfEven(held * rule.bps, FEE_DIVISOR);
  const low = waivedUnits(rule, held, price, decimals);
  return divideHalfEven(low * waiver.bps + (held - low) * rule.bps, FEE_DIVISOR);
}

/**
 * The held units h with h − fee(h) = `afterFee`. h − fee(h) grows by 0 or 1 per unit of h (every rate
 * is below 100%), so an exact h always exists; the estimate from the marginal rates is off by a unit
 * or two at most.
 */
export function unitsBeforeFee(
  rule: FeeRule | undefined,
  afterFee: bigint,
  day: number,
  price: bigint | null,
  decimals: number,
): bigint {
  if (rule === undefined || afterFee <= 0n) return afterFee;
  const fee = (held: bigint) => feeUnitsUnder(rule, held, day, price, decimals);
  if (fee(afterFee) === 0n) return afterFee;
  let held = estimateHeld(rule, afterFee, day, price, decimals);
  while (held - fee(held) > afterFee) held--;
  while (held - fee(held) < afterFee) held++;
  return held;
}

function estimateHeld(
  rule: FeeRule,
  after: bigint,
  day: number,
  price: bigint | null,
  decimals: number,
): bigint {
  const full = FEE_DIVISOR.value;
  const waiver = rule.waiver !== null && day <= rule.waiver.untilDay ? rule.waiver : null;
  if (waiver === null) return rule.bps >= full ? after : (after * full) / (full - rule.bps);
  const allWaived = waiver.bps >= full ? after : (after * full) / (full - waiver.bps);
  const limit = waivedUnits(rule, allWaived, price, decimals);
  if (limit >= allWaived || rule.bps >= full) return allWaived;
  // Above the threshold: h − (T·w + (h − T)·b) / D = a, so h = (a·D + T·(w − b)) / (D − b).
  return (after * full + limit * (waiver.bps - rule.bps)) / (full - rule.bps);
}
