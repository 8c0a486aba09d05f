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

/** Writes one piece of a streamed body. */
export type Write = (text: string) => Promise<void>;

/**
 * A 200 answer whose body `produce` writes piece by piece after the answer has started, so a Worker
 * holds one piece at a time, not the whole body. A failure midway is logged and cuts the body short.
 */
export function streamBody(
  c: Context,
  headers: Record<string, string>,
  what: string,
  produce: (write: Write) => Promise<void>,
): never {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const writing = (async () => {
    try {
      await produce((text) => writer.write(encoder.encode(text)));
      await writer.close();
    } catch (error) {
      console.error(JSON.stringify({ level: "error", message: `${what} stopped: ${String(error)}` }));
      await writer.abort(error);
    }
  })();
  c.executionCtx.waitUntil(writing);
  return c.body(readable, 200, headers) as never;
}

/**
 * A list read too big to hold whole (every group's days over years): the same JSON or CSV as
 * sendList, written one part at a time as `parts` yields them.
 */
export function streamList<Row extends object>(
  c: Context,
  name: string,
  parts: AsyncIterable<readonly Row[]>,
  extra: object = {},
): never {
  const csv = wantsCsv(c);
  const headers: Record<string, string> = csv
    ? { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `inline; filename="${name}.csv"` }
    : { "Content-Type": "application/json" };
  // `{…extra, "name": [` : the object with an empty list, less its closing "]}".
  const opening = JSON.stringify({ ...extra, [name]: [] }).slice(0, -2);
  return streamBody(c, headers, name, async (write) => {
    let header: string[] | null = null;
    let first = true;
    if (!csv) await write(opening);
    for await (const rows of parts) {
      if (rows.length === 0) continue;
      if (csv) {
        header ??= Object.keys(rows[0] as object);
        await write(rowsToCsv(rows, header, first));
      } else {
        await write((first ? "" : ",") + rows.map((row) => JSON.stringify(row)).join(","));
      }
      first = false;
    }
    if (!csv) await write("]}");
  });
}

function rowsToCsv(rows: readonly object[], header = Object.keys(rows[0] ?? {}), withHeader = true): string {
  if (rows.length === 0) return "";
  const cells = rows.map((row) =>
    header.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      if (value === null || value === undefined) return "";
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    }),
  );
  return toCsv(withHeader ? [header, ...cells] : cells);
}
