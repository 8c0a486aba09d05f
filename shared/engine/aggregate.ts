// Daily sums of fund rows per group (total, asset, issuer, country, vehicle). Every field is a plain
// sum, so a stored aggregate can be corrected by subtracting a fund's old row and adding its new one:
// a write that touches one fund never needs the other funds re-read.
import { abs } from "../decimal.ts";
import type { Fund } from "../domain.ts";
import { type Completeness, GROUP_BYS, type GroupBy } from "../export.ts";
import type { FundDay } from "./types.ts";

export interface Group {
  by: GroupBy;
  /** "all" for total; else the asset symbol, issuer name, country code or vehicle. */
  key: string;
}

/** What decides a fund's groups. */
export type GroupedFund = Pick<Fund, "asset" | "issuer" | "country" | "vehicle">;

/**
 * The groups a fund's rows are summed into. A fund whose issuer or vehicle is not known belongs to no
 * issuer or vehicle group (it still counts in the total, its asset and its country): a group named
 * "not known" would read as an issuer.
 */
export function groupsOf(fund: GroupedFund): Group[] {
  const groups: Group[] = [
    { by: "total", key: "all" },
    { by: "asset", key: fund.asset },
  ];
  if (fund.issuer !== null) groups.push({ by: "issuer", key: fund.issuer });
  groups.push({ by: "country", key: fund.country });
  if (fund.vehicle !== null) groups.push({ by: "vehicle", key: fund.vehicle });
  return groups;
}

/** A map key for a group; "by" cannot contain ":", so keys never collide. */
export function groupId(group: Group): string {
  return `${group.by}:${group.key}`;
}

/**
 * One group on one calendar day, USD in cents. Identity, exact to the cent (because every fund row
 * holds it): aumUsd − previous day's aumUsd = flowEffectUsd + marketEffectUsd + incomeEffectUsd
 * + distributionEffectUsd + otherEffectUsd + feeEffectUsd.
 */
export interface AggregateDay extends Group {
  date: string;
  aumUsd: bigint;
  /** Sum of reported flows; only meaningful when fundsReporting > 0 (0 otherwise, never "no data"). */
  netFlowUsd: bigint;
  flowEffectUsd: bigint;
  marketEffectUsd: bigint;
  otherEffectUsd: bigint;
  feeEffectUsd: bigint;
  incomeEffectUsd: bigint;
  distributionEffectUsd: bigint;
  cumulativeFlowUsd: bigint;
  /** Sum of |flow| over reporting funds: the denominator-safe size of the day's activity. */
  grossFlowUsd: bigint;
  /** Funds in any state but not_listed (holidays included: a closed fund is still listed). */
  fundsListed: number;
  /** Funds with a flow on record (final or provisional). */
  fundsReporting: number;
  fundsInflow: number;
  fundsOutflow: number;
  fundsProvisional: number;
  /** Trading days with no flow on record yet: the day is not settled while any remain. */
  fundsMissing: number;
}

export function emptyAggregateDay(group: Group, date: string): AggregateDay {
  return {
    by: group.by,
    key: group.key,
    date,
    aumUsd: 0n,
    netFlowUsd: 0n,
    flowEffectUsd: 0n,
    marketEffectUsd: 0n,
    otherEffectUsd: 0n,
    feeEffectUsd: 0n,
    incomeEffectUsd: 0n,
    distributionEffectUsd: 0n,
    cumulativeFlowUsd: 0n,
    grossFlowUsd: 0n,
    fundsListed: 0,
    fundsReporting: 0,
    fundsInflow: 0,
    fundsOutflow: 0,
    fundsProvisional: 0,
    fundsMissing: 0,
  };
}

/**
 * docs/method.md's completeness of a group's day, from its counts alone: every listed fund with a figure
 * (final or provisional) is complete, some still without one partial, none with one none; a day with
 * neither (a weekend, a holiday, before listing) is null. Given a period's counts summed over its
 * days, it gives the period's: complete when every trading day is, none when no trading day has a
 * figure, partial otherwise, since a sum is 0 exactly when it is 0 on every day.
 */
export function dayCompleteness(counts: {
  fundsMissing: number;
  fundsReporting: number;
}): Completeness | null {
  if (counts.fundsMissing > 0) return counts.fundsReporting > 0 ? "partial" : "none";
  return counts.fundsReporting > 0 ? "complete" : null;
}

/**
 * Adds (sign 1) or removes (sign −1) one fund's row from a group's day, in place. Applying the old
 * row with −1 and the new row with +1 updates a stored aggregate exactly.
 */
export function addFundDay(target: AggregateDay, fundDay: FundDay, sign: 1 | -1): void {
  const s = sign === 1 ? 1n : -1n;
  target.aumUsd += s * fundDay.aumUsd;
  target.flowEffectUsd += s * (fundDay.flowEffectUsd ?? 0n);
  target.marketEffectUsd += s * fundDay.marketEffectUsd;
  target.otherEffectUsd += s * fundDay.otherEffectUsd;
  target.feeEffectUsd += s * fundDay.feeEffectUsd;
  target.incomeEffectUsd += s * fundDay.incomeEffectUsd;
  target.distributionEffectUsd += s * fundDay.distributionEffectUsd;
  target.cumulativeFlowUsd += s * fundDay.cumulativeFlowUsd;
  if (fundDay.state !== "not_listed") target.fundsListed += sign;
  if (fundDay.state === "provisional") target.fundsProvisional += sign;
  if (fundDay.state === "missing") target.fundsMissing += sign;
  const flow = fundDay.netFlowUsd;
  if (flow === null) return;
  target.netFlowUsd += s * flow;
  target.grossFlowUsd += s * abs(flow);
  target.fundsReporting += sign;
  if (flow > 0n) target.fundsInflow += sign;
  if (flow < 0n) target.fundsOutflow += sign;
}

export function compareGroups(a: Group, b: Group): number {
  const byOrder = GROUP_BYS.indexOf(a.by) - GROUP_BYS.indexOf(b.by);
  return byOrder !== 0 ? byOrder : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
