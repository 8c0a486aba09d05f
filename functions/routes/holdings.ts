import { OpenAPIHono } from "@hono/zod-openapi";
import { HoldingInput, HoldingsBody } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { loadReference } from "../db/reference.ts";
import { type BatchSpec, handleBatch } from "../ledger/batch.ts";
import { HOLDING_KIND } from "../ledger/kinds.ts";
import {
  checkCalendarRange,
  checkNotFuture,
  decimalText,
  knownFund,
  MAX_ABS_UNITS,
  todayReference,
} from "../ledger/validate.ts";
import { batchRoute } from "./openapi.ts";

export const holdings = new OpenAPIHono<AppEnv>();

/** Coins held can be reported for any calendar day, before listing too (a trust that became an ETF). */
const HOLDINGS: BatchSpec<typeof HoldingInput> = {
  field: "holdings",
  kind: HOLDING_KIND,
  row: HoldingInput,
  fundsOf: (holding) => [{ field: "fund", fund: holding.fund }],
  keyOf: (row) => `${row.fund}|${row.date}|${row.source}`,
  validate: async (db, caller, holdings, errors) => {
    const { funds, assets } = await loadReference(
      db,
      holdings.map(({ row }) => row.fund),
    );
    const reference = todayReference(funds, assets);
    return holdings.map(({ row: holding, at }) => {
      const fund = knownFund(errors, reference, `${at}/fund`, holding.fund);
      const decimals = fund ? reference.assets.get(fund.asset)?.decimals : undefined;
      checkNotFuture(errors, `${at}/date`, holding.date, reference.today);
      checkCalendarRange(errors, `${at}/date`, holding.date);
      const units =
        decimals === undefined
          ? null
          : decimalText(errors, `${at}/units`, holding.units, decimals, { min: 0n, max: MAX_ABS_UNITS });
      return {
        at,
        row: {
          fund: fund?.ticker ?? holding.fund,
          date: holding.date,
          source: holding.source ?? caller.name,
          units,
        },
      };
    });
  },
};

holdings.openapi(
  batchRoute("/holdings", "Submit coins held at the end of a day", HoldingsBody, "holdings:write"),
  (c) => handleBatch(c, HOLDINGS),
  (result, c) => (result.success ? undefined : handleBatch(c, HOLDINGS, result)),
);
