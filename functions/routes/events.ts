import { OpenAPIHono } from "@hono/zod-openapi";
import { USD_SCALE } from "../../shared/decimal.ts";
import { EventInput, EventsBody } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { loadReference } from "../db/reference.ts";
import { type BatchSpec, handleBatch } from "../ledger/batch.ts";
import { EVENT_KIND, type LedgerRow } from "../ledger/kinds.ts";
import {
  type BatchErrors,
  checkCalendarRange,
  checkNotFuture,
  decimalText,
  knownFund,
  MAX_ABS_UNITS,
  MAX_ABS_USD,
  type Reference,
  todayReference,
} from "../ledger/validate.ts";
import { batchRoute } from "./openapi.ts";

export const events = new OpenAPIHono<AppEnv>();

/** The funds an event names, by field: a transfer two, a ticker change its former and new ticker. */
const fundsOf = (event: EventInput) => {
  switch (event.type) {
    case "transfer":
      return [
        { field: "from_fund", fund: event.from_fund },
        { field: "to_fund", fund: event.to_fund },
      ];
    case "ticker_change":
      return [
        { field: "fund", fund: event.fund },
        { field: "new_ticker", fund: event.new_ticker },
      ];
    default:
      return [{ field: "fund", fund: event.fund }];
  }
};

/** Where each kind keeps its date: a distribution's is its ex-date. */
const dateOf = (event: EventInput) => (event.type === "distribution" ? event.ex_date : event.date);
const dateField = (event: EventInput) => (event.type === "distribution" ? "ex_date" : "date");

const EVENTS: BatchSpec<typeof EventInput> = {
  field: "events",
  kind: EVENT_KIND,
  row: EventInput,
  fundsOf,
  keyOf: (row) => `${row.type}|${row.date}|${row.from_fund}|${row.to_fund}|${row.source}`,
  validate: async (db, caller, events, errors) => {
    const tickers = events.flatMap(({ row }) => fundsOf(row).map(({ fund }) => fund));
    const { funds, assets } = await loadReference(db, tickers);
    const reference = todayReference(funds, assets);
    return events.map(({ row: event, at }) => {
      const dateAt = `${at}/${dateField(event)}`;
      checkNotFuture(errors, dateAt, dateOf(event), reference.today);
      checkCalendarRange(errors, dateAt, dateOf(event));
      const source = event.source ?? caller.name;
      return { at, row: { ...eventRow(event, at, reference, errors), date: dateOf(event), source } };
    });
  },
};

/** The value columns every kind leaves empty unless it fills them. */
const EMPTY = {
  to_fund: "",
  units: null,
  usd: null,
  fee_bps: null,
  new_ticker: null,
  derived: null,
  waiver: null,
};

type EventValues = Omit<LedgerRow, "date" | "source">;

function eventRow(event: EventInput, at: string, reference: Reference, errors: BatchErrors): EventValues {
  const note = event.note ?? null;
  if (event.type === "transfer") return { ...transferRow(event, at, reference, errors), note };
  if (event.type === "ticker_change") return { ...tickerChangeRow(event, at, reference, errors), note };
  const fund = knownFund(errors, reference, `${at}/fund`, event.fund);
  const base = { ...EMPTY, type: event.type, from_fund: fund?.ticker ?? event.fund, note };
  const decimals = fund ? reference.assets.get(fund.asset)?.decimals : undefined;
  const coins = (value: string | number, field: string) =>
    decimals === undefined
      ? null
      : decimalText(errors, `${at}/${field}`, value, decimals, { max: MAX_ABS_UNITS, positive: true });
  const dollars = (value: string | number, field: string) =>
    decimalText(errors, `${at}/${field}`, value, USD_SCALE, { max: MAX_ABS_USD, positive: true });
  switch (event.type) {
    case "delisting":
      if (fund && event.date < fund.listed_on) {
        errors.add(`${at}/date`, `${fund.ticker} was listed on ${fund.listed_on}, after ${event.date}`);
      }
      return base;
    case "seed":
      if (fund && event.date !== fund.listed_on) {
        errors.add(
          `${at}/date`,
          `a seed is dated on the fund's listing, ${fund.listed_on}, not ${event.date}`,
        );
      }
      return { ...base, usd: dollars(event.usd, "usd"), derived: event.derived ? "true" : null };
    case "fee_change":
      return { ...base, fee_bps: String(event.fee_bps), waiver: waiverText(event.waiver, at, errors) };
    case "staking_reward":
      return { ...base, units: coins(event.units, "units") };
    case "distribution": {
      const given = [event.usd, event.units].filter((value) => value !== undefined).length;
      if (given !== 1) errors.add(`${at}/usd`, "a distribution is paid in usd or in units: give exactly one");
      return {
        ...base,
        usd: event.usd === undefined ? null : dollars(event.usd, "usd"),
        units: event.units === undefined ? null : coins(event.units, "units"),
      };
    }
  }
}

/** A waiver as stored: canonical JSON, its threshold exact to the cent. */
function waiverText(
  waiver: Extract<EventInput, { type: "fee_change" }>["waiver"],
  at: string,
  errors: BatchErrors,
): string | null {
  if (waiver === undefined) return null;
  const upTo =
    waiver.up_to_usd === undefined
      ? null
      : decimalText(errors, `${at}/waiver/up_to_usd`, waiver.up_to_usd, USD_SCALE, {
          max: MAX_ABS_USD,
          positive: true,
        });
  return JSON.stringify({ fee_bps: waiver.fee_bps, until: waiver.until ?? null, up_to_usd: upTo });
}

function transferRow(
  event: Extract<EventInput, { type: "transfer" }>,
  at: string,
  reference: Reference,
  errors: BatchErrors,
): Omit<EventValues, "note"> {
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
    ...EMPTY,
    type: "transfer",
    from_fund: from?.ticker ?? event.from_fund,
    to_fund: to?.ticker ?? event.to_fund,
    units,
  };
}

/**
 * The former ticker becomes an alias of the fund as it is called now, which must exist. Renaming a fund
 * that still has its own row under the former ticker would split its history, so that is refused.
 */
function tickerChangeRow(
  event: Extract<EventInput, { type: "ticker_change" }>,
  at: string,
  reference: Reference,
  errors: BatchErrors,
): Omit<EventValues, "note"> {
  const now = knownFund(errors, reference, `${at}/new_ticker`, event.new_ticker);
  const former = reference.funds.get(event.fund);
  if (former && former.ticker === event.fund && former.ticker !== now?.ticker) {
    errors.add(
      `${at}/fund`,
      `${event.fund} is a fund of its own; its history cannot be moved to another ticker`,
    );
  }
  if (event.fund === event.new_ticker) errors.add(`${at}/new_ticker`, "the new ticker is the former one");
  return {
    ...EMPTY,
    type: "ticker_change",
    from_fund: event.fund,
    new_ticker: now?.ticker ?? event.new_ticker,
  };
}

events.openapi(
  batchRoute(
    "/events",
    "Submit corporate actions (transfers, delistings, seeds, ticker and fee changes, distributions, staking rewards)",
    EventsBody,
    "events:write",
  ),
  (c) => handleBatch(c, EVENTS),
  (result, c) => (result.success ? undefined : handleBatch(c, EVENTS, result)),
);
