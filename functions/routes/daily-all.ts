// GET /v1/daily: every fund's daily rows for whoever needs them all at once, such as the site build, a
// page of funds per request (one fund's rows: daily.ts). A thousand funds' histories came as a thousand
// requests, each turning 3,650 rows into decimal strings in JavaScript; here SQLite writes the JSON
// itself, in the same shape and the same exact strings as GET /v1/funds/{ticker}/daily.
// (Restatements alone: GET /v1/revisions?restated=true.)
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../auth.ts";

export const dailyAll = new OpenAPIHono<AppEnv>();

/** Integer minor units as the exact decimal string formatDecimal writes ("-0.05", "12.00000000"). */
const decimal = (column: string, scale: number) =>
  `CASE WHEN ${column} IS NULL THEN NULL ELSE
     (CASE WHEN ${column} < 0 THEN '-' ELSE '' END) || (abs(${column}) / ${10 ** scale}) || '.' ||
     substr('${"0".repeat(scale)}' || (abs(${column}) % ${10 ** scale}), -${scale}) END`;

/** One fund's rows as a JSON array, keys in the order of the API's FundDayRow. */
const ROWS_JSON = `SELECT json_group_array(json_object(
    'date', date, 'state', state, 'price_usd', ${decimal("price_usd", 8)},
    'price_stale', json(CASE WHEN price_stale = 1 THEN 'true' ELSE 'false' END), 'units', units,
    'aum_usd', ${decimal("aum_usd", 2)}, 'net_flow_usd', ${decimal("net_flow_usd", 2)},
    'flow_effect_usd', ${decimal("flow_effect_usd", 2)}, 'market_effect_usd', ${decimal("market_effect_usd", 2)},
    'other_effect_usd', ${decimal("other_effect_usd", 2)}, 'fee_effect_usd', ${decimal("fee_effect_usd", 2)},
    'income_effect_usd', ${decimal("income_effect_usd", 2)},
    'distribution_effect_usd', ${decimal("distribution_effect_usd", 2)},
    'residual_units', residual_units, 'transfer_units', transfer_units,
    'income_units', income_units, 'distribution_units', distribution_units,
    'cumulative_flow_usd', ${decimal("cumulative_flow_usd", 2)})) AS rows
  FROM (SELECT * FROM fund_days WHERE fund = ?1 ORDER BY date)`;

const dailyRoute = createRoute({
  method: "get",
  path: "/daily",
  summary: "Every fund's daily rows, a page of funds at a time, one JSON document per line",
  request: {
    query: z.object({
      after: z.string().optional().openapi({ description: "The last ticker of the previous page" }),
      // A fund's ten years are about 1.4 MB of JSON, and a page is held whole: ten keep it small.
      limit: z.coerce.number().int().min(1).max(10).default(10),
    }),
  },
  responses: {
    200: {
      content: { "application/x-ndjson": { schema: z.string() } },
      description:
        'One line per fund, in ticker order, each as GET /v1/funds/{ticker}/daily answers: {"fund":…,"rows":[…]}. The header Next-After names the page\'s last ticker while more funds follow.',
    },
  },
});

dailyAll.openapi(dailyRoute, async (c) => {
  const { after, limit } = c.req.valid("query");
  const { results: funds } = await c.env.DB.prepare(
    "SELECT ticker FROM funds WHERE (?1 IS NULL OR ticker > ?1) ORDER BY ticker LIMIT ?2",
  )
    .bind(after ?? null, limit)
    .all<{ ticker: string }>();
  const statement = c.env.DB.prepare(ROWS_JSON);
  const answers =
    funds.length > 0
      ? await c.env.DB.batch<{ rows: string }>(funds.map((f) => statement.bind(f.ticker)))
      : [];
  const lines = funds.map(
    (fund, i) => `{"fund":${JSON.stringify(fund.ticker)},"rows":${answers[i]?.results[0]?.rows ?? "[]"}}\n`,
  );
  const last = funds.at(-1)?.ticker;
  const headers: Record<string, string> = { "Content-Type": "application/x-ndjson" };
  if (last !== undefined && funds.length === limit) headers["Next-After"] = last;
  // Typed `never` as sendList is: a route's declared response type cannot express a non-JSON body.
  return c.body(lines.join(""), 200, headers) as never;
});
