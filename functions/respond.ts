// How reads leave the Worker: JSON or CSV, with an ETag that a client can revalidate cheaply.
import type { Context } from "hono";
import { toCsv } from "../shared/import/csv.ts";

export function wantsCsv(c: Context): boolean {
  return c.req.query("format") === "csv" || (c.req.header("accept") ?? "").startsWith("text/csv");
}

/**
 * A list read: `{ [name]: rows }` as JSON, or the rows as a CSV table. Typed `never` because a route's
 * declared response type cannot express "JSON or CSV"; the OpenAPI document describes both.
 */
export function sendList<Row extends object>(
  c: Context,
  name: string,
  rows: readonly Row[],
  extra: object = {},
): never {
  const response = wantsCsv(c)
    ? c.body(rowsToCsv(rows), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `inline; filename="${name}.csv"`,
      })
    : c.json({ ...extra, [name]: rows });
  return response as never;
}

function rowsToCsv(rows: readonly object[]): string {
  const first = rows[0];
  if (!first) return "";
  const header = Object.keys(first);
  const cells = rows.map((row) =>
    header.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      if (value === null || value === undefined) return "";
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    }),
  );
  return toCsv([header, ...cells]);
}
