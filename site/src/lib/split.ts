// The parts every change in AUM splits into, in one place: what each is called in a table, under a
// waterfall bar and in a sentence, and its colour. Investors, price, other and fees are always
// shown; staking income kept and distributions paid out only where a shown period has any, so a
// bitcoin fund's tables do not carry two columns of zeros. However many are shown, they add up to
// the change (see aumChange).
import { COLOR } from "./chart-colors.ts";
import type { Slice } from "./slices.ts";

export type PartKey = "flow" | "market" | "income" | "distribution" | "other" | "fee";

export interface SplitPart {
  key: PartKey;
  /** A table's column: "Flows", "Staking income". */
  column: string;
  /** Under a waterfall bar, where room is short: "Flows", "Staking". */
  short: string;
  /** In a sentence: "investors", "staking income kept". */
  words: string;
  color: string;
  /** Shown even when zero throughout. */
  always: boolean;
}

export const SPLIT_PARTS: readonly SplitPart[] = [
  { key: "flow", column: "Net flow", short: "Flows", words: "investors", color: COLOR.flow, always: true },
  { key: "market", column: "Market", short: "Price", words: "price", color: COLOR.market, always: true },
  {
    key: "income",
    column: "Staking income",
    short: "Staking",
    words: "staking income kept",
    color: COLOR.income,
    always: false,
  },
  {
    key: "distribution",
    column: "Distributions",
    short: "Payouts",
    words: "distributions paid out",
    color: COLOR.distribution,
    always: false,
  },
  { key: "other", column: "Other", short: "Other", words: "other", color: COLOR.other, always: true },
  { key: "fee", column: "Fees", short: "Fees", words: "fees", color: COLOR.fee, always: true },
];

/** A part's value in a slice: the flow may be null (nothing reported), the rest are numbers. */
export function partValue(slice: Pick<Slice, PartKey>, key: PartKey): number | null {
  return slice[key];
}

/** Whether a part has anything in some slices: the rounding of a cent does not count. */
const present = (slices: readonly Pick<Slice, PartKey>[], key: PartKey) =>
  slices.some((slice) => Math.abs(slice[key] ?? 0) >= 0.005);

/** The parts to show for some slices: the four always, staking income and payouts where there are any. */
export function shownParts(slices: readonly Pick<Slice, PartKey>[]): SplitPart[] {
  return SPLIT_PARTS.filter((part) => part.always || present(slices, part.key));
}

/** The optional parts (staking income, distributions) that some slices have. */
export function extraParts(slices: readonly Pick<Slice, PartKey>[]): SplitPart[] {
  return shownParts(slices).filter((part) => !part.always);
}
