// Plain sentences written from the numbers, for week pages and the feed.
import type { AggregateRow } from "../../../shared/export.ts";
import * as f from "./format.ts";
import { aumChange, type Slice } from "./slices.ts";

/** "AUM rose by +$4.6B to $69.9B. Investors added +$2.3B and the price added +$2.3B …" */
export function periodStory(slice: Slice, indicators: AggregateRow | undefined): string {
  const change = aumChange(slice);
  const direction = change > 0 ? "rose" : change < 0 ? "fell" : "was unchanged";
  const parts = [
    `AUM ${direction}${change === 0 ? "" : ` by ${f.usd(Math.abs(change))}`} to ${f.usd(slice.aum)}.`,
    slice.flow === null
      ? "No flows were reported."
      : `Investors ${slice.flow >= 0 ? "added" : "withdrew"} ${f.usd(Math.abs(slice.flow))} in net flows, and price moves ${slice.market >= 0 ? "added" : "took off"} ${f.usd(Math.abs(slice.market))}.`,
  ];
  if (slice.fee !== 0) parts.push(`Fees took ${f.usd(Math.abs(slice.fee))}.`);
  if (Math.abs(slice.income) >= 0.005) parts.push(`Staking rewards kept added ${f.usd(slice.income)}.`);
  if (Math.abs(slice.distribution) >= 0.005)
    parts.push(`Distributions paid out to shareholders took ${f.usd(Math.abs(slice.distribution))}.`);
  if (indicators) {
    parts.push(
      `At the end of the period the regime was ${indicators.regime} (20-day organic growth ${f.signedPercent(f.num(indicators.organic_growth_20d))}), with ${f.streak(indicators.streak)}.`,
    );
  }
  if (slice.status === "provisional") parts.push("Some figures are provisional.");
  if (slice.status === "partial" && slice.awaiting.length > 0)
    parts.push(
      `Not every fund has reported yet (awaiting ${f.names(slice.awaiting)}): the flows above are what the others reported.`,
    );
  else if (slice.status === "partial" || slice.status === "missing")
    parts.push("Some funds' flows are missing.");
  return parts.join(" ");
}
