import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Summary } from "../../shared/export.ts";
import type { AppEnv } from "../auth.ts";
import { readDataVersion } from "../db/meta.ts";
import { publishSummary, SUMMARY_KEY } from "../recompute/publish.ts";
import { SummarySchema } from "./read-schemas.ts";

export const summary = new OpenAPIHono<AppEnv>();

const route = createRoute({
  method: "get",
  path: "/summary",
  summary: "The latest headline figures (served from KV)",
  description:
    "The headline figures (total_aum_usd, changes, net_flow_usd, streak, regime, top flows) are of " +
    "headline_date, the last day on which every listed fund has a figure. report_date is the newest day " +
    "with any figure; report_date_completeness and report_date_awaiting say how far it is filled in.",
  responses: { 200: { content: { "application/json": { schema: SummarySchema } }, description: "Summary" } },
});

/** KV is eventually consistent across locations: a copy older than D1's data_version is rebuilt. */
summary.openapi(route, async (c) => {
  const [cached, version] = await Promise.all([
    c.env.KV.get<Summary>(SUMMARY_KEY, "json"),
    readDataVersion(c.env.DB),
  ]);
  if (cached && cached.data_version >= version) return c.json(cached);
  return c.json(await publishSummary(c.env));
});
