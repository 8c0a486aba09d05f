// Corporate actions from an events CSV, one action a row. Two layouts are read: the market's
// (type,date,fund,to_fund,new_ticker,units,fee_bps,usd,note,source: `fund` is what the action is
// about, the sender of a transfer, and `date` a distribution's ex-date) and the demo's older
// (type,date,from_fund,to_fund,units,note).

import { EVENT_TYPES, type EventType } from "../domain.ts";
import type { Cells } from "./cells.ts";
import type { EventInput } from "./types.ts";

/** Columns that carry an action's value, and which kinds of action use each. */
const USES: Record<EventType, readonly string[]> = {
  transfer: ["to_fund", "units"],
  delisting: [],
  seed: ["usd", "derived"],
  ticker_change: ["new_ticker"],
  fee_change: ["fee_bps"],
  distribution: ["usd", "units"],
  staking_reward: ["units"],
};
const VALUE_COLUMNS = ["to_fund", "new_ticker", "units", "fee_bps", "usd", "derived"];

export function readEvent(cell: Cells): EventInput {
  const type = cell.required("type");
  if (!EVENT_TYPES.includes(type as EventType)) cell.fail("type", `must be one of ${EVENT_TYPES.join(", ")}`);
  const uses = USES[type as EventType];
  // A value in a column this kind of action does not use means the row is not what it seems.
  for (const column of VALUE_COLUMNS) {
    if (!uses.includes(column) && cell.optional(column) !== undefined) {
      cell.fail(column, `is not used by a ${type} event; leave it empty`);
    }
  }
  const fund = cell.optional("fund") ?? cell.optional("from_fund") ?? cell.required("fund");
  const note = cell.optional("note");
  const source = cell.optional("source");
  const extra = { ...(note && { note }), ...(source && { source }) };
  switch (type as EventType) {
    case "transfer":
      return {
        type: "transfer",
        date: cell.date("date"),
        from_fund: fund,
        to_fund: cell.required("to_fund"),
        units: cell.quantity("units", false),
        ...extra,
      };
    case "delisting":
      return { type: "delisting", date: cell.date("date"), fund, ...extra };
    case "seed": {
      const derived = cell.optional("derived");
      if (derived !== undefined && derived !== "true" && derived !== "false") {
        cell.fail("derived", "must be true or false");
      }
      const flag = derived === "true" ? { derived: true } : {};
      return { type: "seed", fund, date: cell.date("date"), usd: cell.usd("usd"), ...flag, ...extra };
    }
    case "ticker_change":
      return {
        type: "ticker_change",
        fund,
        date: cell.date("date"),
        new_ticker: cell.required("new_ticker"),
        ...extra,
      };
    case "fee_change":
      return {
        type: "fee_change",
        fund,
        date: cell.date("date"),
        fee_bps: cell.basisPoints("fee_bps"),
        ...extra,
      };
    case "distribution":
      return { type: "distribution", fund, ex_date: exDate(cell), ...paidIn(cell), ...extra };
    case "staking_reward":
      return {
        type: "staking_reward",
        fund,
        date: cell.date("date"),
        units: cell.quantity("units", false),
        ...extra,
      };
  }
}

function exDate(cell: Cells): string {
  return cell.optional("ex_date") === undefined ? cell.date("date") : cell.date("ex_date");
}

function paidIn(cell: Cells): { usd: string } | { units: string } {
  const usd = cell.optional("usd") !== undefined;
  if (usd === (cell.optional("units") !== undefined)) {
    cell.fail("usd", "a distribution is paid either in USD (usd) or in coins (units): fill exactly one");
  }
  return usd ? { usd: cell.usd("usd") } : { units: cell.quantity("units", false) };
}
