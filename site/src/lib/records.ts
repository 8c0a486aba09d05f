// Records as the open data files write them: JSON as the API answers, and CSV with one column per
// field in order of first appearance, an empty cell for null and quotes only where a value needs them.

export function jsonBody(records: readonly unknown[]): string {
  return `${JSON.stringify(records)}\n`;
}

/** One pattern for every value: a regular expression written inline is a new object each call. */
const NEEDS_QUOTES = /[",\n\r]/;

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Written by concatenation: a thousand funds' ten years are 3.65 million lines. */
export function csvBody(records: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  let body = `${columns.join(",")}\r\n`;
  for (const record of records) {
    let line = csvValue(record[columns[0] ?? ""]);
    for (let i = 1; i < columns.length; i++) line += `,${csvValue(record[columns[i] ?? ""])}`;
    body += `${line}\r\n`;
  }
  return body;
}
