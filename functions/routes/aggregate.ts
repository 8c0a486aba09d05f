import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { GROUP_BYS } from "../../shared/export.ts";
import { IsoDate } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { streamList, wantsCsv } from "../respond.ts";
import { aggregatePageRows, planAggregatePage } from "./aggregate-page.ts";
import { AggregateRowSchema } from "./aggregate-schema.ts";
import { checkRange } from "./flows.ts";
import { ListFormat, NextLink, PARAMETER_PROBLEMS } from "./openapi.ts";

export const aggregate = new OpenAPIHono<AppEnv>();

const route = createRoute({
  method: "get",
  path: "/aggregate",
  summary: "AUM, flows, the attribution and the indicators per group and period, a year a page",
  request: {
    query: z.object({
      by: z.enum(GROUP_BYS).default("total"),
      key: z.string().optional().openapi({ description: "One group only, such as BTC or BlackRock" }),
      period: z.enum(["day", "week", "month", "ytd"]).default("day"),
      from: IsoDate.optional().openapi({
        description:
          "First day covered; its year is the page's (without from: the first year with rows). " +
          "An ISO week belongs to the year of its Monday.",
      }),
      to: IsoDate.optional().openapi({ description: "Last day covered, on this page or a later one" }),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      headers: NextLink,
      content: {
        "application/json": {
          schema: z.object({
            by: z.enum(GROUP_BYS),
            period: z.enum(["day", "week", "month", "ytd"]),
            next: z.string().nullable().openapi({
              description:
                "Path and query of the next year's page (every parameter kept, from moved on); null on the last page",
              example: "/v1/aggregate?by=issuer&period=week&from=2025-01-06",
            }),
            rows: z.array(AggregateRowSchema),
          }),
        },
        "text/csv": { schema: z.string().openapi({ description: "The rows as a CSV table" }) },
      },
      description:
        "One row per group and period of one calendar year, groups in order, each group's periods by date",
    },
    422: PARAMETER_PROBLEMS,
  },
});

/**
 * Streamed one group at a time, a calendar year a page: every issuer's weeks over ten years are 8 MB
 * of JSON, more than a client asking for a table should wait for. Each group's indicators need its
 * history (windows, streaks), and shares the total's, so they are computed from the first day on
 * and the page's periods kept. The awaited funds of the page are read once for all groups.
 */
aggregate.openapi(route, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const db = c.env.DB;
  const page = await planAggregatePage(db, query);
  const next = page.nextFrom === null ? null : nextPath(c.req.url, page.nextFrom);
  if (next !== null) c.header("Link", `<${next}>; rel="next"`);
  const csv = wantsCsv(c);
  async function* rows(): AsyncGenerator<readonly object[]> {
    for await (const rows of aggregatePageRows(db, query, page)) {
      // A CSV cell holds one value: the tickers go in one cell rather than as JSON text.
      yield csv ? rows.map((row) => ({ ...row, awaiting: row.awaiting.join(";") })) : rows;
    }
  }
  return streamList(c, "rows", rows(), { by: query.by, period: query.period, next });
});

/** The request's own path and query with `from` moved to the next page's first day. */
function nextPath(url: string, from: string): string {
  const next = new URL(url);
  next.searchParams.set("from", from);
  return `${next.pathname}${next.search}`;
}
