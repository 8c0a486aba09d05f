// RFC 4180 CSV in and out. Reading is strict (a stray quote is an error, not a guess) because a
// silently mis-split row would shift every amount into the wrong fund's column.

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** The 1-based file line each row starts on, for error messages (quoted cells may span lines). */
  lines: number[];
  /** Lines whose extra cells were joined into a free-text last column (see CsvOptions). */
  joinedLines: number[];
}

export interface CsvOptions {
  /**
   * Free-text columns (a note, a source citation) that may soak up unquoted commas when they are
   * the last column: hand-written files such as data/demo/events.csv write prose there without
   * quotes. Extra cells are joined back with commas; anywhere else a wrong count is an error.
   */
  freeTextLast?: readonly string[];
}

/**
 * Parses CSV text with a header row. Accepts CRLF or LF line ends, quoted cells with "" for a
 * quote, and a UTF-8 byte order mark. Blank lines are skipped; a row whose cell count differs from
 * the header's is an error naming its line.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const records = readRecords(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const first = records.shift();
  if (!first) throw new Error("CSV: the file is empty, a header row was expected");
  const header = first.cells.map((cell) => cell.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  const joinedLines: number[] = [];
  const lastIsFreeText = options.freeTextLast?.includes(header.at(-1) ?? "") ?? false;
  for (const { cells, line } of records) {
    if (lastIsFreeText && cells.length > header.length) {
      cells.push(cells.splice(header.length - 1).join(","));
      joinedLines.push(line);
    }
    if (cells.length !== header.length) {
      throw new Error(`CSV line ${line}: ${cells.length} cells, but the header has ${header.length}`);
    }
    rows.push(cells);
    lines.push(line);
  }
  return { header, rows, lines, joinedLines };
}

interface CsvRecord {
  cells: string[];
  line: number;
}

/** Characters up to the next delimiter, line end or quote (which the loop then judges). */
const UNQUOTED_RUN = /[^,\r\n"]*/y;

function readRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A blank line reads as one empty cell; it carries no data, so it is not a row.
    if (cells.length > 1 || cells[0] !== "") records.push({ cells, line: recordLine });
    cells = [];
    cell = "";
  };
  while (i < text.length) {
    const char = text[i];
    if (char === '"' && cell === "") {
      const end = readQuoted(text, i + 1, line);
      cell = end.value;
      line = end.line;
      i = end.next;
      const after = text[i];
      if (after !== undefined && after !== "," && after !== "\r" && after !== "\n") {
        throw new Error(`CSV line ${line}: text after a closing quote`);
      }
    } else if (char === '"') {
      throw new Error(`CSV line ${line}: a quote inside an unquoted cell (quote the whole cell)`);
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
      i++;
    } else if (char === "\r" || char === "\n") {
      endRecord();
      i += char === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      // The rest of an unquoted cell in one slice: character by character, a file of millions of
      // rows made millions of short-lived strings (most of a bulk import's parse time).
      UNQUOTED_RUN.lastIndex = i;
      UNQUOTED_RUN.exec(text);
      cell += text.slice(i, UNQUOTED_RUN.lastIndex);
      i = UNQUOTED_RUN.lastIndex;
    }
  }
  if (cell !== "" || cells.length > 0) endRecord();
  return records;
}

/** Reads a quoted cell from just after its opening quote to just after its closing quote. */
function readQuoted(text: string, start: number, startLine: number) {
  let value = "";
  let line = startLine;
  let i = start;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      if (text[i + 1] !== '"') return { value, line, next: i + 1 };
      value += '"';
      i += 2;
      continue;
    }
    // Count a CRLF as one line break, as the record reader does.
    if (char === "\n" || (char === "\r" && text[i + 1] !== "\n")) line++;
    value += char;
    i++;
  }
  throw new Error(`CSV line ${startLine}: a quoted cell is never closed`);
}

// A plain number such as "-95.10" is data, not a formula: our exports carry negative amounts and
// they must stay numbers in a spreadsheet. Anything else starting with a formula trigger is text.
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * Writes rows (the header included) as RFC 4180 CSV with CRLF line ends. Cells are neutralised
 * against formula injection (OWASP "CSV injection"): a cell starting with =, +, -, @, a tab or
 * a carriage return gets a leading single quote so a spreadsheet shows it as text, unless the
 * cell is a plain decimal number, which is kept as is.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(formatCell).join(",")).join("\r\n") + (rows.length > 0 ? "\r\n" : "");
}

function formatCell(raw: string): string {
  const cell = FORMULA_TRIGGER.test(raw) && !PLAIN_NUMBER.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
