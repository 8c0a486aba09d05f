// The mechanics of a fund in words: its fee schedule (the fee at listing, then each change with its
// waiver), the tickers it traded under before, its staking policy, and what a holdings mark's residual
// most likely is on a fund that stakes. Pure functions: the fund page and the explainer share them.
import type { FundSummary } from "../../../shared/export.ts";
import * as f from "./format.ts";

type FeeChange = FundSummary["fee_history"][number];
export type Waiver = NonNullable<FeeChange["waiver"]>;

/** A waiver in words: "waived to 0.00% until 31 Mar 2026, on the first $1.0B of assets". */
export function waiverWords(waiver: Waiver): string {
  const limits = [
    waiver.until !== null && `until ${f.date(waiver.until)} (inclusive)`,
    waiver.up_to_usd !== null &&
      `on the first ${f.usd(Number(waiver.up_to_usd))} of assets, the full fee on the rest`,
  ].filter((part): part is string => typeof part === "string");
  return `waived to ${f.fee(waiver.fee_bps)}${limits.length > 0 ? ` ${limits.join(", ")}` : ""}`;
}

export interface FeeStep {
  date: string;
  /** The fee at listing, or a change after it. */
  kind: "listing" | "change";
  /** "0.35% a year (35 basis points)"; "Not known" at listing when none was published. */
  fee: string;
  /** The waiver in words, or null when there is none. */
  waiver: string | null;
  /** The date of the fee change on record that set this fee (on or before the listing, at listing); null: none. */
  changedOn: string | null;
}

/**
 * The fee schedule: the fee at listing, then each change on record, oldest first. A change dated on or
 * before the listing (a trust's fee cut as it uplisted, as GSOL's) is the fee at listing, said so.
 */
export function feeSteps(fund: Pick<FundSummary, "listed_on" | "fee_bps" | "fee_history">): FeeStep[] {
  const changes = [...(fund.fee_history ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  const atListing = changes.filter((change) => change.date <= fund.listed_on).at(-1);
  const step = (change: FeeChange, kind: FeeStep["kind"]): FeeStep => ({
    date: kind === "listing" ? fund.listed_on : change.date,
    kind,
    fee: f.feeLong(change.fee_bps),
    waiver: change.waiver ? waiverWords(change.waiver) : null,
    changedOn: change.date,
  });
  return [
    atListing
      ? step(atListing, "listing")
      : {
          date: fund.listed_on,
          kind: "listing",
          fee: f.feeLong(fund.fee_bps),
          waiver: null,
          changedOn: null,
        },
    ...changes.filter((change) => change.date > fund.listed_on).map((change) => step(change, "change")),
  ];
}

/** A fee step as one sentence: "From 1 Mar 2026: 0.15% a year (15 basis points), no waiver." */
export function feeStepWords(step: FeeStep): string {
  const waiver = step.waiver ? `, ${step.waiver}` : step.changedOn ? ", no waiver" : "";
  if (step.kind === "listing")
    return `At listing, ${f.date(step.date)}: ${step.fee}${step.changedOn ? ", as set by a fee change on record" : ""}${waiver}.`;
  return `From ${f.date(step.date)}: ${step.fee}${waiver}.`;
}

/** How a fund is known to stake: its published policy, or what is on record. */
export function stakingEvidence(
  policy: string | null | undefined,
  income: boolean,
  distribution: boolean,
): string | null {
  if (policy === "retained" || policy === "distributed" || policy === "mixed") return "its published policy";
  if (distribution) return "a distribution on record";
  if (income) return "staking income on record";
  return null;
}

/**
 * The tickers a fund traded under, oldest first, each in words: "CETH until 28 Aug 2025, when it
 * became TETH". Empty when it has always traded under its own.
 */
export function formerTickerWords(
  fund: Pick<FundSummary, "ticker" | "former_tickers">,
): { ticker: string; words: string }[] {
  const former = [...(fund.former_tickers ?? [])].sort((a, b) => a.changed_on.localeCompare(b.changed_on));
  return former.map((entry, i) => ({
    ticker: entry.ticker,
    words: `${entry.ticker} until ${f.date(entry.changed_on)}, when it became ${former[i + 1]?.ticker ?? fund.ticker}`,
  }));
}

export type StakingPolicy = "none" | "retained" | "distributed" | "mixed";

/** The staking policy in words; null (nothing published) is "Not known". */
export function stakingWords(policy: string | null | undefined): string {
  if (policy === null || policy === undefined) return f.NOT_KNOWN_WORD;
  return f.STAKING_LABEL[policy] ?? policy;
}

/** A fund stakes: by its published policy, or because staking income or a distribution is on record. */
export function stakes(policy: string | null | undefined, hasIncomeOrDistribution: boolean): boolean {
  return policy === "retained" || policy === "distributed" || policy === "mixed" || hasIncomeOrDistribution;
}

export const LIKELY_REWARDS = "likely staking rewards not yet reported";

/**
 * What a holdings mark's residual most likely is. On a fund that stakes, a filing counting more coins
 * than the flows on record is where rewards nobody reported show (aumflow credits only rewards on
 * record, and none is invented); fewer coins, or the mark that opens a record, say nothing of staking.
 */
export function residualReason(
  mark: { residualUnits: number; opening: boolean },
  policy: string | null | undefined,
  hasIncomeOrDistribution: boolean,
): string | null {
  if (mark.opening || !(mark.residualUnits > 0)) return null;
  return stakes(policy, hasIncomeOrDistribution) ? LIKELY_REWARDS : null;
}

/**
 * The pages that lead from a former ticker to the fund's page, one per former ticker of every fund.
 * A former ticker that another fund trades under now keeps that fund's page.
 */
export function tickerRedirects(
  funds: readonly Pick<FundSummary, "ticker" | "former_tickers">[],
): { from: string; to: string }[] {
  const current = new Set(funds.map((fund) => fund.ticker));
  const seen = new Set<string>();
  const redirects: { from: string; to: string }[] = [];
  for (const fund of funds)
    for (const { ticker } of fund.former_tickers ?? []) {
      if (current.has(ticker) || seen.has(ticker)) continue;
      seen.add(ticker);
      redirects.push({ from: ticker, to: fund.ticker });
    }
  return redirects;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/**
 * A former ticker's page: an immediate refresh to the fund's page, its canonical link and a plain link,
 * no script. `canonical` is the fund page's absolute address where the site has one.
 */
export function redirectHtml(from: string, to: string, canonical: string): string {
  const target = `/funds/${encodeURIComponent(to)}/`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(from)} is now ${escapeHtml(to)}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=${escapeHtml(target)}">
<link rel="canonical" href="${escapeHtml(canonical)}">
</head>
<body>
<p>${escapeHtml(from)} now trades as ${escapeHtml(to)}: one fund, one history. <a href="${escapeHtml(target)}">${escapeHtml(to)}'s page</a>.</p>
</body>
</html>
`;
}
