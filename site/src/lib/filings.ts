// Holdings marks in words: what a filing said a fund held, and how far the flow record had drifted from
// it by then (the reconciliation residual), with the filing as the source.
import { sourceLink } from "./events.ts";
import * as f from "./format.ts";
import type { HoldingMark } from "./history.ts";
import type { Model } from "./model.ts";

/** Coins to two decimals, the way filings print them: "551,918.00 BTC". */
const coins = (value: number, symbol: string) =>
  `${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${symbol}`;

export function markWords(ticker: string, symbol: string, mark: HoldingMark): string {
  if (mark.opening)
    return `${ticker}'s record opens on ${f.date(mark.date)} with ${coins(mark.units, symbol)}: the coins its filing says it held that day, before the first flow on record.`;
  const rolled = mark.units - mark.residualUnits;
  const share = rolled !== 0 ? Math.abs(mark.residualUnits) / Math.abs(rolled) : null;
  const direction = mark.residualUnits > 0 ? "more" : "fewer";
  return `On ${f.date(mark.date)} ${ticker}'s filing says it held ${coins(mark.units, symbol)}. The flows on record, in coins at each day's close and less fees, came to ${coins(rolled, symbol)}: the filing counts ${coins(Math.abs(mark.residualUnits), symbol)} (${f.share(share, 2)}) ${direction}. From that day aumflow uses the filing's count; the difference, ${f.signedUsd(mark.otherUsd)} at that day's close, is under “Other”.`;
}

/** The filing a mark comes from, as a link where it names one. */
export function filingOf(
  model: Model,
  ticker: string,
  date: string,
): { text: string; href?: string } | undefined {
  const row = model.data.holdings.find((h) => h.subject === ticker && h.date === date);
  return row ? sourceLink(row.source) : undefined;
}
