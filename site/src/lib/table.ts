// The shape of a table as pages hand it to Table.astro: plain text cells, optionally linked or tagged.

/**
 * A cell's text, or text with a link, a state tag ("provisional"), a sign for colouring, or a note
 * that explains it (shown on hover and read by screen readers: "not known: nothing published was found").
 */
export type Cell =
  | string
  | {
      text: string;
      href?: string | undefined;
      tag?: string | undefined;
      tone?: "up" | "down";
      note?: string;
    };

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Long unbroken text (a checksum) that may wrap anywhere rather than widen the table. */
  breakable?: boolean;
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

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);

/** The width a phone gives a table: 390px less the page's margins, and a little to spare. */
const PHONE_WIDTH = 345;

/**
 * Roughly how wide a table is at the site's type size: each column as wide as its longest text
 * (header, cell and tag), plus the cell's padding.
 */
export function estimatedWidth(table: TableData): number {
  // Headers are bold: a character of theirs is about a tenth wider.
  const longest = table.columns.map((column) => column.label.length * 1.1);
  for (const row of table.rows) {
    row.forEach((value, i) => {
      const cell = typeof value === "string" ? { text: value } : value;
      const length = cell.text.length + (cell.tag ? cell.tag.length * 0.85 + 1 : 0);
      if (length > (longest[i] ?? 0)) longest[i] = length;
    });
  }
  return longest.reduce((sum, chars) => sum + chars * 7.6 + 20, 0);
}

/**
 * Whether a table is too wide for a phone: such a table is laid out as one block per row on narrow
 * screens (each figure beside its column's name), so no number is ever out of view.
 */
export const stacksOnPhones = (table: TableData) => estimatedWidth(table) > PHONE_WIDTH;

/**
 * The body rows as HTML. Tables are most of a fund page's markup, and building them as one string
 * is many times faster than a component per cell, which matters with a thousand funds. `labels`:
 * each cell carries its column's name, for the one-block-per-row layout on phones.
 */
export function rowsHtml(table: TableData, labels = false): string {
  const numeric = table.columns.map((column) => column.numeric === true);
  const breakable = table.columns.map((column) => column.breakable === true);
  const names = table.columns.map((column) => (labels ? ` data-label="${escapeHtml(column.label)}"` : ""));
  let html = "";
  for (const row of table.rows) {
    html += "<tr>";
    row.forEach((value, i) => {
      const cell = typeof value === "string" ? { text: value } : value;
      const classes = `${numeric[i] ? "num" : ""}${breakable[i] ? "brk" : ""} ${cell.tone ?? ""}`.trim();
      const text = escapeHtml(cell.text);
      const linked = cell.href ? `<a href="${escapeHtml(cell.href)}">${text}</a>` : text;
      const content = cell.note
        ? `<span class="noted" title="${escapeHtml(cell.note)}">${linked}<span class="sr-only"> (${escapeHtml(cell.note)})</span></span>`
        : linked;
      const tag = cell.tag ? ` <span class="tag">${escapeHtml(cell.tag)}</span>` : "";
      const open = i === 0 ? '<th scope="row"' : `<td${names[i]}`;
      html += `${open}${classes ? ` class="${classes}"` : ""}>${content}${tag}</${i === 0 ? "th" : "td"}>`;
    });
    html += "</tr>";
  }
  return html;
}
