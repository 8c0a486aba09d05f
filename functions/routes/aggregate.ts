import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { aggregateRows, awaitingIndex } from "../../shared/engine/aggregate-rows.ts";
import { IsoDate } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { eachGroupDays, readAwaited, readGroupDays } from "../db/aggregates.ts";
import { streamList, wantsCsv } from "../respond.ts";
import { AggregateRowSchema } from "./aggregate-schema.ts";
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
      content: {
        "application/json": {
          schema: z.object({
            by: z.enum(["total", "asset", "issuer", "country", "vehicle"]),
            period: z.enum(["day", "week", "month", "ytd"]),
            rows: z.array(AggregateRowSchema),
          }),
        },
        "text/csv": { schema: z.string().openapi({ description: "The rows as a CSV table" }) },
      },
      description: "One row per group and period, groups in order, each group's periods by date",
    },
    422: WRITE_PROBLEMS[422],
  },
});

/**
 * Streamed one group at a time: every issuer's days over ten years is tens of megabytes, more than a
 * Worker should hold at once. Each group's indicators need its whole history (windows, streaks), and
 * shares need the total's. The awaited funds of the range are read once for all groups.
 */
aggregate.openapi(route, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const db = c.env.DB;
  const range = { from: query.from, to: query.to };
  const [totals, awaited] = await Promise.all([readGroupDays(db, "total"), readAwaited(db, range)]);
  const options = { ...range, awaiting: awaitingIndex(awaited) };
  const csv = wantsCsv(c);
  async function* rows(): AsyncGenerator<readonly object[]> {
    for await (const days of eachGroupDays(db, query.by, totals, query.key)) {
      const rows = aggregateRows([days], totals, query.period, options);
      // A CSV cell holds one value: the tickers go in one cell rather than as JSON text.
      yield csv ? rows.map((row) => ({ ...row, awaiting: row.awaiting.join(";") })) : rows;
    }
  }
  return streamList(c, "rows", rows(), { by: query.by, period: query.period });
});
