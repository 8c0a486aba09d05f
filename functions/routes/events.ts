import { OpenAPIHono } from "@hono/zod-openapi";
import { EventInput, EventsBody } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { loadAssets, loadFunds } from "../db/reference.ts";
import { type BatchSpec, handleBatch } from "../ledger/batch.ts";
import { EVENT_KIND, type LedgerRow } from "../ledger/kinds.ts";
import {
  type BatchErrors,
  checkCalendarRange,
  checkNotFuture,
  decimalText,
  knownFund,
  MAX_ABS_UNITS,
  type Reference,
  todayReference,
} from "../ledger/validate.ts";
import { batchRoute } from "./openapi.ts";

export const events = new OpenAPIHono<AppEnv>();

const fundsOf = (event: EventInput) =>
  event.type === "transfer"
    ? [
        { field: "from_fund", fund: event.from_fund },
        { field: "to_fund", fund: event.to_fund },
      ]
    : [{ field: "fund", fund: event.fund }];

const EVENTS: BatchSpec<typeof EventInput> = {
  field: "events",
  kind: EVENT_KIND,
  row: EventInput,
  fundsOf,
  keyOf: (row) => `${row.type}|${row.date}|${row.from_fund}|${row.to_fund}|${row.source}`,
  validate: async (db, caller, events, errors) => {
    const tickers = events.flatMap(({ row }) => fundsOf(row).map(({ fund }) => fund));
    const reference = todayReference(await loadFunds(db, tickers), await loadAssets(db));
    return events.map(({ row: event, at }) => {
      checkNotFuture(errors, `${at}/date`, event.date, reference.today);
      checkCalendarRange(errors, `${at}/date`, event.date);
      const source = event.source ?? caller.name;
      return { at, row: eventRow(event, source, at, reference, errors) };
    });
  },
};

function eventRow(
  event: EventInput,
  source: string,
  at: string,
  reference: Reference,
  errors: BatchErrors,
): LedgerRow {
  const note = event.note ?? null;
  if (event.type === "delisting") {
    const fund = knownFund(errors, reference, `${at}/fund`, event.fund);
    if (fund && event.date < fund.listed_on) {
      errors.add(`${at}/date`, `${fund.ticker} was listed on ${fund.listed_on}, after ${event.date}`);
    }
    return {
      type: "delisting",
      date: event.date,
      from_fund: event.fund,
      to_fund: "",
      source,
      units: null,
      note,
    };
  }
  const from = knownFund(errors, reference, `${at}/from_fund`, event.from_fund);
  const to = knownFund(errors, reference, `${at}/to_fund`, event.to_fund);
  if (event.from_fund === event.to_fund) errors.add(`${at}/to_fund`, "a transfer needs two different funds");
  if (from && to && from.asset !== to.asset) {
    errors.add(`${at}/to_fund`, `${to.ticker} holds ${to.asset}, ${from.ticker} holds ${from.asset}`);
  }
  const decimals = from ? reference.assets.get(from.asset)?.decimals : undefined;
  const units =
    decimals === undefined
      ? null
      : decimalText(errors, `${at}/units`, event.units, decimals, { max: MAX_ABS_UNITS, positive: true });
  return {
    type: "transfer",
    date: event.date,
    from_fund: event.from_fund,
    to_fund: event.to_fund,
    source,
    units,
    note,
  };
}

events.openapi(
  batchRoute("/events", "Submit corporate actions (transfers, delistings)", EventsBody, "events:write"),
  (c) => handleBatch(c, EVENTS),
  (result, c) => (result.success ? undefined : handleBatch(c, EVENTS, result)),
);
