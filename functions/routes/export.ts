import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { aggregateRowsByPeriod, awaitingIndex } from "../../shared/engine/aggregate-rows.ts";
import type { AggregateRow, GroupBy } from "../../shared/export.ts";
import type { AppEnv } from "../auth.ts";
import { eachGroupDays, readAwaited, readGroupDays } from "../db/aggregates.ts";
import { listFundSummaries } from "../db/funds.ts";
import { readDataVersion } from "../db/meta.ts";
import { loadAssets } from "../db/reference.ts";
import { buildCurrentSummary } from "../recompute/publish.ts";
import { streamBody, type Write } from "../respond.ts";
import { ExportDocumentSchema } from "./read-schemas.ts";

export const exportRoute = new OpenAPIHono<AppEnv>();

const GROUP_BYS: readonly GroupBy[] = ["total", "asset", "issuer", "country", "vehicle"];
const LATER_PERIODS = ["week", "month", "ytd"] as const;

const route = createRoute({
  method: "get",
  path: "/export",
  summary: "Everything the report site is built from, versioned by data_version (streamed)",
  responses: {
    200: {
      content: { "application/json": { schema: ExportDocumentSchema } },
      description: "The export document",
    },
  },
});

/**
 * Streamed as it is computed, one group at a time: for a thousand funds over ten years the document
 * is about 100 MB, more than a Worker may hold (128 MB) and four times what one KV value may store.
 * Unchanged data is answered with 304 (ETag of data_version) before any of it is computed.
 */
exportRoute.openapi(route, async (c) => {
  const version = await readDataVersion(c.env.DB);
  return streamBody(c, { "Content-Type": "application/json" }, "export", (write) =>
    writeExport(c.env.DB, version, write),
  );
});

/**
 * The ExportDocument (shared/export.ts) as JSON text. Day rows go out group by group as they are
 * computed; the far fewer week, month and year-to-date rows are kept until the day rows are out.
 * The missing fund-days, few, are read once to name every group's awaited funds.
 */
async function writeExport(db: D1Database, version: number, write: Write): Promise<void> {
  const [summary, assets, funds, totals, awaited] = await Promise.all([
    buildCurrentSummary(db),
    loadAssets(db),
    listFundSummaries(db),
    readGroupDays(db, "total"),
    readAwaited(db),
  ]);
  const awaiting = awaitingIndex(awaited);
  await write(
    `{"data_version":${version},"generated_at":${JSON.stringify(new Date().toISOString())},` +
      `"summary":${JSON.stringify(summary)},"assets":${JSON.stringify([...assets.values()])},` +
      `"funds":${JSON.stringify(funds)},"aggregates":{"day":[`,
  );
  const later: Record<(typeof LATER_PERIODS)[number], string[]> = { week: [], month: [], ytd: [] };
  let separator = "";
  for (const by of GROUP_BYS) {
    for await (const days of eachGroupDays(db, by, totals)) {
      const rows = aggregateRowsByPeriod([days], totals, ["day", ...LATER_PERIODS], { awaiting });
      if (rows.day.length > 0) {
        await write(separator + joinRows(rows.day));
        separator = ",";
      }
      for (const period of LATER_PERIODS)
        if (rows[period].length > 0) later[period].push(joinRows(rows[period]));
    }
  }
  for (const period of LATER_PERIODS) await write(`],"${period}":[${later[period].join(",")}`);
  await write("]}}");
}

function joinRows(rows: readonly AggregateRow[]): string {
  return rows.map((row) => JSON.stringify(row)).join(",");
}
