import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  aggregateRowsByPeriod,
  aggregateRowsOfYear,
  awaitingIndex,
} from "../../shared/engine/aggregate-rows.ts";
import { periodYear, yearSpan } from "../../shared/engine/year-pages.ts";
import { type AggregateRow, GROUP_BYS } from "../../shared/export.ts";
import type { AppEnv } from "../auth.ts";
import { eachGroupDays, readAwaited, readGroupDays, totalDaySpan } from "../db/aggregates.ts";
import { listFundSummaries } from "../db/funds.ts";
import { readDataVersion } from "../db/meta.ts";
import { loadAssets } from "../db/reference.ts";
import { Problem } from "../problem.ts";
import { buildCurrentSummary } from "../recompute/publish.ts";
import { streamBody, type Write } from "../respond.ts";
import { NextLink, problem } from "./openapi.ts";
import { ExportDocumentSchema, ExportYearPageSchema } from "./read-schemas.ts";

export const exportRoute = new OpenAPIHono<AppEnv>();

const LATER_PERIODS = ["week", "month", "ytd"] as const;

const route = createRoute({
  method: "get",
  path: "/export",
  summary: "Everything the report site is built from, a year of aggregates a page, versioned by data_version",
  request: {
    query: z.object({
      year: z
        .string()
        .regex(/^(\d{4}|all)$/, "a year such as 2025, or all")
        .optional()
        .openapi({
          description:
            "A later page: that year's aggregates only (follow `next` from the first). `all`: the whole document in one streamed answer, for a client that needs one snapshot of every year (the site build)",
        }),
    }),
  },
  responses: {
    200: {
      headers: NextLink,
      content: {
        "application/json": {
          schema: z.union([ExportDocumentSchema, ExportYearPageSchema]).openapi({
            description: "Without year: the ExportDocument with the first year; with year: an ExportYearPage",
          }),
        },
      },
      description: "One page of the export (streamed)",
    },
    422: problem("A year that is not one of the export's"),
  },
});

/**
 * Streamed as it is computed, one group at a time, a calendar year of aggregates a page: for a
 * thousand funds over ten years the whole document is about 100 MB, more than a Worker may hold
 * (128 MB) and four times what one KV value may store. Each page is its own URL, so unchanged data is
 * answered with 304 (ETag of data_version and the URL) before any of it is computed.
 */
exportRoute.openapi(route, async (c) => {
  const db = c.env.DB;
  const [version, span] = await Promise.all([readDataVersion(db), totalDaySpan(db)]);
  // The first page is of the year the first week begins in, which may be the year before the first day's.
  const years = span && { first: periodYear(span.first, "week"), last: periodYear(span.last, "day") };
  const asked = c.req.valid("query").year;
  if (asked === "all") {
    return streamBody(c, { "Content-Type": "application/json" }, "export", async (write) => {
      await writeFirstPage(db, version, write);
      await writeAggregates(db, null, write);
      await write(`,"next":null}`);
    });
  }
  const year = asked === undefined ? (years?.first ?? null) : Number(asked);
  if (asked !== undefined && (years === null || year === null || year < years.first || year > years.last)) {
    const known = years ? `${years.first} to ${years.last}` : "none yet";
    throw new Problem(422, `The export has no year ${asked}; its years are ${known}.`, [
      { pointer: "/query/year", detail: `not one of the export's years (${known})` },
    ]);
  }
  const next = year !== null && years !== null && year < years.last ? `/v1/export?year=${year + 1}` : null;
  if (next !== null) c.header("Link", `<${next}>; rel="next"`);
  return streamBody(c, { "Content-Type": "application/json" }, "export", async (write) => {
    if (asked === undefined) await writeFirstPage(db, version, write);
    else await write(`{"data_version":${version},"year":${year},`);
    if (year === null) await write(`"aggregates":{"day":[],"week":[],"month":[],"ytd":[]}`);
    else await writeAggregates(db, year, write);
    await write(`,"next":${JSON.stringify(next)}}`);
  });
});

/** The ExportDocument's fields up to its aggregates. */
async function writeFirstPage(db: D1Database, version: number, write: Write): Promise<void> {
  const [summary, assets, funds] = await Promise.all([
    buildCurrentSummary(db),
    loadAssets(db),
    listFundSummaries(db),
  ]);
  await write(
    `{"data_version":${version},"generated_at":${JSON.stringify(new Date().toISOString())},` +
      `"summary":${JSON.stringify(summary)},"assets":${JSON.stringify([...assets.values()])},` +
      `"funds":${JSON.stringify(funds)},`,
  );
}

/**
 * `"aggregates":{…}` of one year's periods (of every year: null). Day rows go out group by group as
 * they are computed; the far fewer week, month and year-to-date rows are kept until the day rows are
 * out. Every group's days are read from its first to the year's last week (the indicators need the
 * history, never the future); the missing fund-days of the year, few, are read once to name every
 * group's awaited funds.
 */
async function writeAggregates(db: D1Database, year: number | null, write: Write): Promise<void> {
  const through = year === null ? undefined : yearSpan(year, "week").to;
  const [totals, awaited] = await Promise.all([
    readGroupDays(db, "total", undefined, through),
    readAwaited(db, year === null ? {} : { from: yearSpan(year, "day").from, to: through }),
  ]);
  const awaiting = awaitingIndex(awaited);
  await write(`"aggregates":{"day":[`);
  const later: Record<(typeof LATER_PERIODS)[number], string[]> = { week: [], month: [], ytd: [] };
  let separator = "";
  for (const by of GROUP_BYS) {
    for await (const days of eachGroupDays(db, by, totals, { through })) {
      const periods = ["day", ...LATER_PERIODS] as const;
      const rows =
        year === null
          ? aggregateRowsByPeriod([days], totals, periods, { awaiting })
          : aggregateRowsOfYear([days], totals, periods, year, awaiting);
      if (rows.day.length > 0) {
        await write(separator + joinRows(rows.day));
        separator = ",";
      }
      for (const period of LATER_PERIODS)
        if (rows[period].length > 0) later[period].push(joinRows(rows[period]));
    }
  }
  for (const period of LATER_PERIODS) await write(`],"${period}":[${later[period].join(",")}`);
  await write("]}");
}

function joinRows(rows: readonly AggregateRow[]): string {
  return rows.map((row) => JSON.stringify(row)).join(",");
}
