import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { aggregateRows } from "../../shared/engine/aggregate-rows.ts";
import { IsoDate } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { readGroupDays, seriesByGroup } from "../db/aggregates.ts";
import { sendList } from "../respond.ts";
import { checkRange } from "./flows.ts";
import { ListFormat, WRITE_PROBLEMS } from "./openapi.ts";

export const aggregate = new OpenAPIHono<AppEnv>();

const route = createRoute({
  method: "get",
  path: "/aggregate",
  summary: "AUM, flows, the attribution and the indicators per group and period",
  request: {
    query: z.object({
      by: z.enum(["total", "asset", "issuer", "country", "vehicle"]).default("total"),
      key: z.string().optional().openapi({ description: "One group only, such as BTC or BlackRock" }),
      period: z.enum(["day", "week", "month", "ytd"]).default("day"),
      from: IsoDate.optional(),
      to: IsoDate.optional(),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ rows: z.array(z.any()) }) } },
      description: "Rows",
    },
    422: WRITE_PROBLEMS[422],
  },
});

aggregate.openapi(route, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const [groupDays, totals] = await Promise.all([
    readGroupDays(c.env.DB, query.by, query.key),
    query.by === "total" ? Promise.resolve(null) : readGroupDays(c.env.DB, "total"),
  ]);
  const rows = aggregateRows(seriesByGroup(groupDays), totals ?? groupDays, query.period, query);
  return sendList(c, "rows", rows, { by: query.by, period: query.period });
});
