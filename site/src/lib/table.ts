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

/**
 * The body rows as HTML. Tables are most of a fund page's markup, and building them as one string
 * is many times faster than a component per cell, which matters with a thousand funds.
 */
export function rowsHtml(table: TableData): string {
  const numeric = table.columns.map((column) => column.numeric === true);
  let html = "";
  for (const row of table.rows) {
    html += "<tr>";
    row.forEach((value, i) => {
      const cell = typeof value === "string" ? { text: value } : value;
      const classes = `${numeric[i] ? "num" : ""} ${cell.tone ?? ""}`.trim();
      const text = escapeHtml(cell.text);
      const linked = cell.href ? `<a href="${escapeHtml(cell.href)}">${text}</a>` : text;
      const content = cell.note
        ? `<span class="noted" title="${escapeHtml(cell.note)}">${linked}<span class="sr-only"> (${escapeHtml(cell.note)})</span></span>`
        : linked;
      const tag = cell.tag ? ` <span class="tag">${escapeHtml(cell.tag)}</span>` : "";
      const open = i === 0 ? '<th scope="row"' : "<td";
      html += `${open}${classes ? ` class="${classes}"` : ""}>${content}${tag}</${i === 0 ? "th" : "td"}>`;
    });
    html += "</tr>";
  }
  return html;
}
