import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { PRICE_SCALE } from "../../shared/decimal.ts";
import { AssetSymbol, IsoDate, PriceInput, PricesBody } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { listPrices } from "../db/prices.ts";
import { loadAssets } from "../db/reference.ts";
import { type BatchSpec, handleBatch } from "../ledger/batch.ts";
import { PRICE_KIND } from "../ledger/kinds.ts";
import {
  checkCalendarRange,
  checkNotFuture,
  decimalText,
  MAX_ABS_USD,
  todayReference,
} from "../ledger/validate.ts";
import { sendList } from "../respond.ts";
import { checkRange } from "./flows.ts";
import { batchRoute, ListFormat, PARAMETER_PROBLEMS } from "./openapi.ts";
import { PriceRecordSchema } from "./read-schemas.ts";

export const prices = new OpenAPIHono<AppEnv>();

const PRICES: BatchSpec<typeof PriceInput> = {
  field: "prices",
  kind: PRICE_KIND,
  row: PriceInput,
  fundsOf: () => [],
  keyOf: (row) => `${row.asset}|${row.date}|${row.source}`,
  validate: async (db, caller, prices, errors) => {
    const reference = todayReference(new Map(), await loadAssets(db));
    return prices.map(({ row: price, at }) => {
      if (!reference.assets.has(price.asset)) errors.add(`${at}/asset`, `unknown asset ${price.asset}`);
      checkNotFuture(errors, `${at}/date`, price.date, reference.today);
      checkCalendarRange(errors, `${at}/date`, price.date);
      const closeUsd = decimalText(errors, `${at}/close_usd`, price.close_usd, PRICE_SCALE, {
        max: MAX_ABS_USD,
        positive: true,
      });
      return {
        at,
        row: {
          asset: price.asset,
          date: price.date,
          source: price.source ?? caller.name,
          close_usd: closeUsd,
        },
      };
    });
  },
};

prices.openapi(
  batchRoute("/prices", "Submit daily USD closes", PricesBody, "prices:write"),
  (c) => handleBatch(c, PRICES),
  (result, c) => (result.success ? undefined : handleBatch(c, PRICES, result)),
);

const getPrices = createRoute({
  method: "get",
  path: "/prices",
  summary: "Daily closes by source: the one used, and every other source's beside it with its difference",
  request: {
    query: z.object({
      asset: AssetSymbol.optional(),
      from: IsoDate.optional(),
      to: IsoDate.optional(),
      as_of: z.iso.datetime({ offset: true }).optional(),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ prices: z.array(PriceRecordSchema) }) } },
      description: "Price marks",
    },
    422: PARAMETER_PROBLEMS,
  },
});

prices.openapi(getPrices, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const rows = await listPrices(c.env.DB, {
    asset: query.asset,
    from: query.from,
    to: query.to,
    asOf: query.as_of ? new Date(query.as_of).toISOString() : undefined,
  });
  return sendList(c, "prices", rows);
});
