// Table cells that carry a day's state, so a missing or provisional figure never reads as a plain number.
import * as f from "./format.ts";
import { type Slice, statusTag } from "./slices.ts";
import { type Cell, toned } from "./table.ts";

/**
 * The net flow of a slice as a reader should see it: "—" + "missing", "market closed", or a tagged
 * amount ("+$232M" + "partial, awaiting IBIT, FBTC").
 */
export function flowCell(slice: Slice): Cell {
  switch (slice.status) {
    case "closed":
      return "market closed";
    case "not_listed":
      return "not listed";
    case "missing":
      return { text: "—", tag: "missing" };
    case "provisional":
      return { text: f.signedUsd(slice.flow), tag: "provisional" };
    case "partial":
      // What the funds that have reported added up to so far, never as if it were the day's total.
      return { text: f.signedUsd(slice.flow), tag: statusTag(slice) };
    default:
      return toned(f.signedUsd(slice.flow), slice.flow);
  }
}

export function priceCell(slice: Slice): Cell {
  if (slice.price === null) return "—";
  return slice.priceStale ? { text: f.price(slice.price), tag: "stale" } : f.price(slice.price);
}

export const signedCell = (value: number | null): Cell => toned(f.signedUsd(value), value);

/** The label of a day, ISO week or month slice, for the first column. */
export function periodCell(slice: Slice, href?: (label: string) => string | undefined): Cell {
  const text = slice.label.includes("-W")
    ? `${f.week(slice.label)} (${f.dateRange(slice.start, slice.end)})`
    : slice.label.length === 7
      ? f.month(slice.label)
      : f.date(slice.label);
  const link = href?.(slice.label);
  return link ? { text, href: link } : text;
}

/** A metadata cell nobody has published a value for: "—", explained (see NOT_KNOWN). */
export const notKnownCell = (text = "—"): Cell => ({ text, note: f.NOT_KNOWN });
