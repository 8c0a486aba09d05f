// A fund's daily rows as the build keeps them: numbers in typed columns for pages and charts, and the
// exact rows as the open data files publish them (JSON and CSV bytes). A thousand funds over ten years
// are 3.65 million rows; kept as parsed objects they filled the heap and the build spent a third of
// its time collecting garbage. Typed arrays and buffers are a few objects per fund.
import { DAY_STATES, type DayState } from "../../../shared/domain.ts";
import { dayNumberOf } from "../../../shared/engine/day-numbers.ts";
import type { FundDayRow } from "../../../shared/export.ts";
import { csvBody, jsonBody } from "./records.ts";

/** Bytes live outside the JavaScript heap, where the garbage collector never walks them. */
export type Bytes = Uint8Array<ArrayBuffer>;
const utf8 = new TextEncoder();

export interface FundHistory {
  length: number;
  /** Day numbers (days since 1970-01-01), oldest first. */
  day: Int32Array;
  /** Index into DAY_STATES. */
  state: Uint8Array;
  aum: Float64Array;
  /** NaN where no flow was reported. */
  flow: Float64Array;
  market: Float64Array;
  other: Float64Array;
  fee: Float64Array;
  cumulative: Float64Array;
  /** NaN where the API gave none. */
  units: Float64Array;
  price: Float64Array;
  priceStale: Uint8Array;
  /** The API's rows as they are, for the open data files (UTF-8); parse them back with `exactRows`. */
  json: Bytes;
  csv: Bytes;
}

const STATE_INDEX = new Map<DayState, number>(DAY_STATES.map((state, i) => [state, i]));

/** NaN stands for null, so a column stays one typed array. */
const decimal = (text: string | null | undefined) =>
  text === null || text === undefined ? Number.NaN : Number(text);

/** `json`: the rows exactly as the API wrote them, when the caller has them; else written from `rows`. */
export function toHistory(rows: readonly FundDayRow[], json?: Bytes): FundHistory {
  const length = rows.length;
  const column = () => new Float64Array(length);
  const history: FundHistory = {
    length,
    day: new Int32Array(length),
    state: new Uint8Array(length),
    aum: column(),
    flow: column(),
    market: column(),
    other: column(),
    fee: column(),
    cumulative: column(),
    units: column(),
    price: column(),
    priceStale: new Uint8Array(length),
    json: json ?? utf8.encode(jsonBody(rows)),
    csv: utf8.encode(csvBody(rows as unknown as Record<string, unknown>[])),
  };
  rows.forEach((row, i) => {
    history.day[i] = dayNumberOf(row.date);
    history.state[i] = STATE_INDEX.get(row.state) ?? 0;
    history.aum[i] = decimal(row.aum_usd);
    history.flow[i] = decimal(row.net_flow_usd);
    history.market[i] = decimal(row.market_effect_usd);
    history.other[i] = decimal(row.other_effect_usd);
    history.fee[i] = decimal(row.fee_effect_usd);
    history.cumulative[i] = decimal(row.cumulative_flow_usd);
    history.units[i] = decimal(row.units);
    history.price[i] = decimal(row.price_usd);
    history.priceStale[i] = row.price_stale ? 1 : 0;
  });
  return history;
}

export const stateAt = (history: FundHistory, i: number): DayState =>
  DAY_STATES[history.state[i] ?? 0] ?? "final";

/** A column's value as the pages' numbers: null where the API gave none. */
export function valueAt(column: Float64Array, i: number): number | null {
  const value = column[i] ?? Number.NaN;
  return Number.isNaN(value) ? null : value;
}

/** The exact rows again, for the rare page that shows the API's own decimal strings. */
export function exactRows(history: FundHistory): FundDayRow[] {
  return JSON.parse(new TextDecoder().decode(history.json)) as FundDayRow[];
}
