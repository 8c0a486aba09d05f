// The shape of a table as pages hand it to Table.astro: plain text cells, optionally linked or tagged.

/** A cell's text, or text with a link, a state tag ("provisional") or a sign for colouring. */
export type Cell = string | { text: string; href?: string; tag?: string; tone?: "up" | "down" };

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

export interface TableData {
  columns: Column[];
  rows: Cell[][];
}

export const cellText = (cell: Cell) => (typeof cell === "string" ? cell : cell.text);

/** A signed amount cell, toned so that colour repeats (never replaces) the sign. */
export function toned(text: string, value: number | null): Cell {
  if (value === null || value === 0) return text;
  return { text, tone: value > 0 ? "up" : "down" };
}
