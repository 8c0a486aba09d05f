import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { aggregateRows } from "../../shared/engine/aggregate-rows.ts";
import { IsoDate } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { eachGroupDays, readGroupDays } from "../db/aggregates.ts";
import { streamList } from "../respond.ts";
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

/**
 * Streamed one group at a time: every issuer's days over ten years is tens of megabytes, more than a
 * Worker should hold at once. Each group's indicators need its whole history (windows, streaks), and
 * shares need the total's.
 */
aggregate.openapi(route, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const db = c.env.DB;
  const totals = await readGroupDays(db, "total");
  async function* rows() {
    for await (const days of eachGroupDays(db, query.by, totals, query.key)) {
      yield aggregateRows([days], totals, query.period, query);
    }
  }
  return streamList(c, "rows", rows(), { by: query.by, period: query.period });
});
