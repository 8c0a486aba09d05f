// Table cells that carry a day's state, so a missing or provisional figure never reads as a plain number.
import * as f from "./format.ts";
import type { Slice } from "./slices.ts";
import { type Cell, toned } from "./table.ts";

/** The net flow of a slice as a reader should see it: "—" + "missing", "market closed", or a tagged amount. */
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
      return { text: f.signedUsd(slice.flow), tag: "some funds missing" };
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
