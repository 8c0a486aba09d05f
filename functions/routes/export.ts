import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { aggregateRowsByPeriod } from "../../shared/engine/aggregate-rows.ts";
import type { ExportDocument } from "../../shared/export.ts";
import type { AppEnv } from "../auth.ts";
import { readGroupDays, seriesByGroup } from "../db/aggregates.ts";
import { listFundSummaries } from "../db/funds.ts";
import { readDataVersion } from "../db/meta.ts";
import { loadAssets } from "../db/reference.ts";
import { buildCurrentSummary } from "../recompute/publish.ts";

export const exportRoute = new OpenAPIHono<AppEnv>();

const EXPORT_KEY = "export";
const GROUP_BYS = ["total", "asset", "issuer", "country", "vehicle"] as const;

const route = createRoute({
  method: "get",
  path: "/export",
  summary: "Everything the report site is built from, versioned by data_version",
  responses: {
    200: { content: { "application/json": { schema: z.any() } }, description: "The export document" },
  },
});

exportRoute.openapi(route, async (c) => {
  const version = await readDataVersion(c.env.DB);
  const cached = await c.env.KV.get(EXPORT_KEY, "text");
  if (cached && Number(/"data_version":(\d+)/.exec(cached)?.[1]) >= version) {
    return c.body(cached, 200, { "Content-Type": "application/json" }) as never;
  }
  const document = await buildExport(c.env.DB, version);
  const text = JSON.stringify(document);
  c.executionCtx.waitUntil(c.env.KV.put(EXPORT_KEY, text));
  return c.body(text, 200, { "Content-Type": "application/json" }) as never;
});

async function buildExport(db: D1Database, version: number): Promise<ExportDocument> {
  const [summary, assets, funds, ...byGroup] = await Promise.all([
    buildCurrentSummary(db),
    loadAssets(db),
    listFundSummaries(db),
    ...GROUP_BYS.map((by) => readGroupDays(db, by)),
  ]);
  const totals = byGroup[0] ?? [];
  const series = byGroup.flatMap((days) => seriesByGroup(days));
  return {
    data_version: version,
    generated_at: new Date().toISOString(),
    summary,
    assets: [...assets.values()],
    funds,
    aggregates: aggregateRowsByPeriod(series, totals, ["day", "week", "month", "ytd"]),
  };
}
