// A flow table as HTML and as CSV. HTML: one string (a year is thousands of cells), the date column
// and the Total sticky so they stay in view while the funds scroll sideways inside the table's own
// box; every cell's state in its class and its title, in words. CSV: the exact figures, one row a day.
import type { FlowCell, FlowColumn, FlowTable, SumRow } from "./flowtable.ts";
import { exact, tenths } from "./flowtable.ts";
import * as f from "./format.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "Thu 11 Jan": the year is the page's. */
export function shortDate(date: string): string {
  const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? "";
  return `${weekday} ${f.date(date).slice(0, -5)}`;
}

export const STATE_WORDS = {
  missing: "not reported yet",
  noPrice: "no close on record that day, so its coins are not known",
  notListed: "not listed",
  provisional: "provisional: a placeholder until the source confirms it",
  closed: "market closed",
};

/** "partial: awaiting IBIT", "partial: awaiting IBIT, FBTC and 3 more". */
export const awaitingWords = (awaiting: readonly string[]) =>
  awaiting.length > 0 ? `partial: awaiting ${f.names(awaiting, 2)}` : "partial: some funds not reported yet";

export interface RenderOptions {
  /** The id of the element that names the table. */
  labelledBy: string;
  /** Footnote numbers of restatements, by revision id (see footnotes). */
  notes: Map<number, number>;
  /** Each fund column's page. */
  href: (column: FlowColumn) => string | undefined;
}

/** A cell's figure and its state, as a td. */
function cellHtml(table: FlowTable, column: FlowColumn, cell: FlowCell, notes: Map<number, number>): string {
  const classes = ["num"];
  if (column.kind !== "fund") classes.push(column.kind);
  const titles: string[] = [];
  let text: string;
  switch (cell.state) {
    case "not_listed":
      return `<td class="${[...classes, "nl"].join(" ")}" title="${STATE_WORDS.notListed}"></td>`;
    case "closed":
      text = "closed";
      titles.push(STATE_WORDS.closed);
      break;
    case "missing":
      text = "–";
      classes.push("miss");
      titles.push(
        cell.noPrice
          ? STATE_WORDS.noPrice
          : cell.awaiting
            ? `none reported yet: awaiting ${f.names(cell.awaiting, 2)}`
            : STATE_WORDS.missing,
      );
      break;
    default: {
      const value = cell.value ?? 0n;
      text = tenths(value, table.unit, table.decimals);
      if (text.startsWith("\u2212")) classes.push("down");
      if (cell.state === "provisional" || cell.provisional) {
        classes.push("prov");
        titles.push(column.kind === "fund" ? STATE_WORDS.provisional : "holds provisional figures");
      }
      if (cell.partial) {
        classes.push("part");
        titles.push(awaitingWords(cell.awaiting ?? []));
      }
    }
  }
  let marks = "";
  if (cell.restated && cell.restated.length > 0) {
    classes.push("rev");
    titles.push(`restated: ${cell.restated.map((r) => r.words).join("; ")}`);
    marks = cell.restated
      .map((r) => notes.get(r.id))
      .filter((n): n is number => n !== undefined)
      .map((n) => `<a href="#rev-${n}">${n}</a>`)
      .join(",");
    if (marks) marks = `<sup>${marks}</sup>`;
  }
  const title = titles.length > 0 ? ` title="${escapeHtml(titles.join("; "))}"` : "";
  return `<td class="${classes.join(" ")}"${title}>${escapeHtml(text)}${marks}</td>`;
}

/** The header row: the date column, each fund linked to its page, the Total. */
function headerCells(table: FlowTable, options: RenderOptions, first: string, tag: "th" | "td"): string {
  const scope = tag === "th" ? ' scope="col"' : "";
  return (
    `<${tag}${scope} class="date">${escapeHtml(first)}</${tag}>` +
    table.columns
      .map((column) => {
        const href = options.href(column);
        const label =
          href && tag === "th"
            ? `<a href="${href}">${escapeHtml(column.label)}</a>`
            : escapeHtml(column.label);
        const kind = column.kind === "fund" ? "" : ` ${column.kind}`;
        return `<${tag}${scope} class="num${kind}">${label}</${tag}>`;
      })
      .join("")
  );
}

/** "5–9 Jan", "29 Dec – 2 Jan", "2 Jan": a week's days in the year of the page. */
export function dayRange(from: string, to: string): string {
  const [a, b] = [f.date(from).slice(0, -5), f.date(to).slice(0, -5)];
  if (from === to) return a;
  return from.slice(0, 7) === to.slice(0, 7) ? `${a.split(" ")[0]}–${b}` : `${a} – ${b}`;
}

const sumLabel = (row: SumRow) => {
  if (row.kind === "week") {
    const range = dayRange(row.from, row.to);
    return `Week ${Number(row.label.slice(-2))} <span class="range">${escapeHtml(range)}</span>`;
  }
  // The page is the year's: the month's name is enough.
  if (row.kind === "month") return escapeHtml(f.month(row.label).replace(/ \d{4}$/, ""));
  if (row.kind === "year") return `${escapeHtml(row.label)}${row.to.endsWith("-12-31") ? "" : " so far"}`;
  return `Since listing <span class="range">to ${escapeHtml(f.date(row.to))}</span>`;
};

function sumRowHtml(table: FlowTable, row: SumRow, notes: Map<number, number>): string {
  const cells = row.cells
    .map((cell, c) => cellHtml(table, table.columns[c] as FlowColumn, cell, notes))
    .join("");
  return `<tr class="sum ${row.kind}"><th scope="row" class="date">${sumLabel(row)}</th>${cells}</tr>`;
}

/** The daily table: each day a row, holidays as market closed, each week's sum after its last day. */
export function dailyTableHtml(table: FlowTable, options: RenderOptions): string {
  const span = table.columns.length;
  let body = "";
  let month = "";
  for (const row of table.rows) {
    if (row.kind === "day" || row.kind === "closed") {
      // The funds' names again at each new month: a year is long, and the header scrolls away.
      const now = row.date.slice(0, 7);
      if (month && now !== month)
        body += `<tr class="again" aria-hidden="true">${headerCells(table, options, f.month(now), "td")}</tr>`;
      month = now;
    }
    if (row.kind === "closed") {
      const why = row.reason ? `market closed: ${row.reason}` : "market closed";
      body += `<tr class="closed"><th scope="row" class="date">${shortDate(row.date)}</th><td colspan="${span}"><span>${escapeHtml(why)}</span></td></tr>`;
    } else if (row.kind === "day") {
      const state =
        row.completeness === "partial"
          ? `<span class="state">${escapeHtml(awaitingWords(row.awaiting))}</span>`
          : row.completeness === "none"
            ? `<span class="state">none reported yet</span>`
            : "";
      const cells = row.cells
        .map((cell, c) => cellHtml(table, table.columns[c] as FlowColumn, cell, options.notes))
        .join("");
      body += `<tr id="d-${row.date}"><th scope="row" class="date">${shortDate(row.date)}${state}</th>${cells}</tr>`;
    } else {
      body += sumRowHtml(table, row, options.notes);
    }
  }
  return wrap(table, options, headerCells(table, options, "Date", "th"), body);
}

/** The sums: each month, the year, the cumulative flow since listing, each column's share. */
export function summaryTableHtml(table: FlowTable, options: RenderOptions, shareWords: string): string {
  let body = table.months.map((row) => sumRowHtml(table, row, options.notes)).join("");
  body += sumRowHtml(table, table.total, options.notes);
  body += sumRowHtml(table, table.cumulative, options.notes);
  const shares = table.share.values.map((value, c) => {
    const column = table.columns[c] as FlowColumn;
    const kind = column.kind === "fund" ? "" : ` ${column.kind}`;
    return `<td class="num${kind}">${value === null ? "–" : f.share(value)}</td>`;
  });
  const when = `<span class="range">${escapeHtml(f.date(table.share.date))}</span>`;
  body += `<tr class="sum share"><th scope="row" class="date">${escapeHtml(shareWords)} ${when}</th>${shares.join("")}</tr>`;
  return wrap(table, options, headerCells(table, options, "Period", "th"), body);
}

function wrap(table: FlowTable, options: RenderOptions, head: string, body: string): string {
  const unit = table.unit === "usd" ? "usd" : "coins";
  return (
    `<div class="flow-wrap" tabindex="0" role="region" aria-labelledby="${options.labelledBy}">` +
    `<table class="flows ${unit}" aria-labelledby="${options.labelledBy}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}

/** Every restatement of the table's cells, numbered in the order they appear, for the footnotes. */
export function footnotes(
  table: FlowTable,
): { n: number; id: number; fund: string; date: string; words: string }[] {
  const list: { n: number; id: number; fund: string; date: string; words: string }[] = [];
  for (const row of table.rows) {
    if (row.kind !== "day") continue;
    row.cells.forEach((cell, c) => {
      const column = table.columns[c];
      if (column?.kind !== "fund") return;
      for (const r of cell.restated ?? [])
        list.push({ n: list.length + 1, id: r.id, fund: column.label, date: row.date, words: r.words });
    });
  }
  return list;
}

const csvText = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/**
 * The year as CSV, one row a day: each fund's exact figure (US$ millions or coins, a plain "-" for
 * outflows), empty where none was reported or the fund was not listed, and a note saying which
 * figures are provisional, restated or awaited, and which days the market was closed.
 */
export function flowCsv(table: FlowTable): string {
  const unit = table.unit === "usd" ? "usd_m" : "coins";
  const header = ["date", ...table.columns.map((column) => `${column.label}_${unit}`), "note"];
  const lines = [header.map(csvText).join(",")];
  for (const row of table.rows) {
    if (row.kind === "closed") {
      lines.push(
        [
          row.date,
          ...table.columns.map(() => ""),
          csvText(row.reason ? `market closed: ${row.reason}` : "market closed"),
        ].join(","),
      );
      continue;
    }
    if (row.kind !== "day") continue;
    const provisional: string[] = [];
    const restated: string[] = [];
    const values = row.cells.map((cell, c) => {
      const column = table.columns[c] as FlowColumn;
      if (column.kind === "fund" && cell.state === "provisional") provisional.push(column.label);
      if (column.kind === "fund" && cell.restated?.length) restated.push(column.label);
      return cell.value === null || cell.state === "missing"
        ? ""
        : exact(cell.value, table.unit, table.decimals);
    });
    const note = [
      row.completeness === "partial" && awaitingWords(row.awaiting),
      row.completeness === "none" && "none reported yet",
      provisional.length > 0 && `provisional: ${provisional.join(" ")}`,
      restated.length > 0 && `restated: ${restated.join(" ")}`,
    ]
      .filter(Boolean)
      .join("; ");
    lines.push([row.date, ...values, csvText(note)].join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
