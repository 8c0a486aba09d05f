import { OpenAPIHono } from "@hono/zod-openapi";
import { PRICE_SCALE } from "../../shared/decimal.ts";
import { PriceInput, PricesBody } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
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
import { batchRoute } from "./openapi.ts";

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
