// A fund's history, both kinds: its daily rows as the build keeps them, and its revision history in words.
//
// Daily rows: numbers in typed columns for pages and charts, and the exact rows as the open data files
// publish them (JSON and CSV bytes). A thousand funds over ten years are 3.65 million rows; kept as
// parsed objects they filled the heap and the build spent a third of its time collecting garbage.
// Typed arrays and buffers are a few objects per fund.
//
// Revisions: each restatement as a sentence a reader can follow ("FBTC, 12 Aug 2026: 0.0 → −$46.8M,
// seen 13 Aug 02:30 UTC"), never the storage key it is filed under.
import { isIsoDate, toDayNumber } from "../../../shared/dates.ts";
import { DAY_STATES, type DayState } from "../../../shared/domain.ts";
import type { FundDayRow, RevisionRow } from "../../../shared/export.ts";
import * as f from "./format.ts";
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
  /** Corporate actions, reconciliation and rounding: what the named parts do not explain. */
  other: Float64Array;
  fee: Float64Array;
  /** Staking rewards kept (>= 0) and distributions paid out (<= 0); null when every day's is zero. */
  income: Float64Array | null;
  distribution: Float64Array | null;
  cumulative: Float64Array;
  /** NaN where the API gave none. */
  units: Float64Array;
  price: Float64Array;
  priceStale: Uint8Array;
  /**
   * The days a holdings mark (a filing's count of the coins held) replaced the rolled count, with the
   * difference in coins (the reconciliation residual) and its value that day: few per fund, so a list.
   */
  marks: HoldingMark[];
  /** The API's rows as they are, for the open data files (UTF-8); parse them back with `exactRows`. */
  json: Bytes;
  csv: Bytes;
}

const STATE_INDEX = new Map<DayState, number>(DAY_STATES.map((state, i) => [state, i]));

export interface HoldingMark {
  date: string;
  /** Coins held at the end of the day: the filing's count. */
  units: number;
  /** The filing's count less the count rolled from the flows on record (coins). */
  residualUnits: number;
  /** The day's "other" effect: mostly the residual at the day's close. */
  otherUsd: number;
  /** The first row of the fund's record: the mark is its opening holdings, not a correction. */
  opening: boolean;
}

/** NaN stands for null, so a column stays one typed array. */
const decimal = (text: string | null | undefined) =>
  text === null || text === undefined ? Number.NaN : Number(text);

/** A row's staking income kept and distribution paid, 0 where the API gives none (an older API). */
export function incomeOf(row: object): { income: number; distribution: number } {
  const { income_effect_usd: income, distribution_effect_usd: payout } = row as {
    income_effect_usd?: string | null;
    distribution_effect_usd?: string | null;
  };
  return { income: f.num(income) ?? 0, distribution: f.num(payout) ?? 0 };
}

/** A column that is all zeros is not kept: most funds never stake or pay out. */
function sparse(values: number[]): Float64Array | null {
  return values.some((value) => value !== 0) ? Float64Array.from(values) : null;
}

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
    income: null,
    distribution: null,
    cumulative: column(),
    marks: [],
    units: column(),
    price: column(),
    priceStale: new Uint8Array(length),
    json: json ?? utf8.encode(jsonBody(rows)),
    csv: utf8.encode(csvBody(rows as unknown as Record<string, unknown>[])),
  };
  const income: number[] = new Array(length);
  const distribution: number[] = new Array(length);
  rows.forEach((row, i) => {
    const paid = incomeOf(row);
    income[i] = paid.income;
    distribution[i] = paid.distribution;
    history.day[i] = toDayNumber(row.date);
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
    const residual = Number(row.residual_units ?? 0);
    if (residual !== 0 && Number.isFinite(residual))
      history.marks.push({
        date: row.date,
        units: Number(row.units),
        residualUnits: residual,
        otherUsd: Number(row.other_effect_usd),
        opening: i === 0,
      });
  });
  history.income = sparse(income);
  history.distribution = sparse(distribution);
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

// ——— Revision history in words ———

/** A revision with the fields the API adds: the fact's subject and date, and when the public saw it. */
export type Revision = RevisionRow & {
  /** The fund (or, for a price, the asset) the fact is about. */
  subject?: string;
  /** The date the fact is of (a flow's day); null for metadata. */
  date?: string | null;
  /** When the public first saw the value (a publisher's history replayed); null: when recorded. */
  observed_at?: string | null;
};

/** When the public first saw a revision's value: observed_at, or recorded_at when there is none. */
export function seenAt(row: Revision): string {
  return row.observed_at ?? row.recorded_at;
}

/**
 * The fund or asset a revision is about: its `subject`. An API that does not serve `subject` yet
 * files every fact under a key that starts with it ("IBIT|2024-11-04|farside"; an event's with its
 * type), and only then is the key's first part (the from_fund of an event) taken instead.
 */
export function subjectOf(row: Revision): string | undefined {
  if (typeof row.subject === "string") return row.subject;
  const parts = row.key.split("|");
  return (row.entity === "event" ? parts[2] : parts[0]) || undefined;
}

/** The date a revision's fact is of: its `date`, or (from an older API) the date among its key's parts. */
export function factDateOf(row: Revision): string | null {
  if (row.date !== undefined) return row.date;
  return row.key.split("|").find((part) => isIsoDate(part)) ?? null;
}

type Values = Record<string, unknown>;

const asValues = (value: unknown): Values =>
  value !== null && typeof value === "object" ? (value as Values) : { value };

const numberOf = (value: unknown): number | null => {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** A flow's value as Farside prints it: "0.0", "−$46.8M", "withdrawn (–)", "+$5.0M (provisional)". */
function flowText(values: Values): string {
  if (values.status === "withdrawn") return "withdrawn (–)";
  const amount = f.millions(numberOf(values.net_flow_usd));
  return values.status === "provisional" ? `${amount} (provisional)` : amount;
}

/** True for a flow whose figure stayed and only its status changed (a placeholder confirmed). */
function statusOnly(old: unknown, now: unknown): boolean {
  const before = asValues(old);
  const after = asValues(now);
  return (
    numberOf(before.net_flow_usd) === numberOf(after.net_flow_usd) &&
    numberOf(before.units) === numberOf(after.units) &&
    before.status !== "withdrawn" &&
    after.status !== "withdrawn" &&
    before.status !== after.status
  );
}

/** A restatement that only confirmed a figure ("0.0 confirmed"), as against one that changed it. */
export function isConfirmation(row: Revision): boolean {
  return row.entity === "flow" && statusOnly(row.old_value, row.new_value);
}

/** "0.0 → −$46.8M", "0.0 → withdrawn (–)", or for a figure whose status alone changed "0.0 confirmed". */
export function flowChange(old: unknown, now: unknown): string {
  const before = asValues(old);
  const after = asValues(now);
  if (statusOnly(old, now)) {
    const amount = f.millions(numberOf(after.net_flow_usd));
    return after.status === "final" ? `${amount} confirmed` : `${amount} marked ${String(after.status)}`;
  }
  const units =
    numberOf(before.units) !== numberOf(after.units) && after.status !== "withdrawn"
      ? `; units ${plainNumber(before.units)} → ${plainNumber(after.units)}`
      : "";
  // The old figure without its status: what matters is what it was, and that it changed.
  return `${flowText({ ...before, status: before.status === "withdrawn" ? "withdrawn" : "final" })} → ${flowText(after)}${units}`;
}

const plainNumber = (value: unknown) => {
  const n = numberOf(value);
  return n === null ? "–" : f.coins(n, "").trim();
};

/** What a metadata field is called in a sentence. */
const FIELD_WORDS: Record<string, string> = {
  name: "name",
  issuer: "issuer",
  asset: "asset",
  vehicle: "vehicle",
  country: "country",
  exchange: "exchange",
  listed_on: "listed",
  delisted_on: "delisted",
  fee_bps: "fee",
  close_usd: "close",
  net_flow_usd: "flow",
  units: "coins",
  usd: "amount",
  new_ticker: "new ticker",
  staking_policy: "staking",
};

/** A field's value in words: unknown metadata as "not known", fees as percentages, amounts as dollars. */
function fieldText(field: string, value: unknown): string {
  if (value === null || value === undefined) return FIELD_WORDS[field] ? "not known" : "–";
  if (field === "fee_bps") return f.fee(numberOf(value));
  if (field === "vehicle") return f.vehicle(String(value));
  if (field === "exchange") return f.exchange(String(value));
  if (field.endsWith("_on")) return f.date(String(value));
  if (field === "close_usd") return f.price(numberOf(value));
  if (field.endsWith("usd")) return f.usd(numberOf(value));
  if (field === "units") return plainNumber(value);
  return typeof value === "object" ? JSON.stringify(value) : `“${String(value)}”`;
}

/** The fields that differ, each "field old → new": "fee 0.25% → 0.12%". */
function fieldChanges(old: unknown, now: unknown): string {
  const before = asValues(old);
  const after = asValues(now);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null),
  );
  if (fields.length === 0) return "restated unchanged";
  return fields
    .map(
      (field) =>
        `${FIELD_WORDS[field] ?? field.replace(/_/g, " ")} ${fieldText(field, before[field])} → ${fieldText(field, after[field])}`,
    )
    .join(", ");
}

const EVENT_WORDS: Record<string, string> = {
  transfer: "transfer",
  delisting: "delisting",
  seed: "seed capital",
  ticker_change: "ticker change",
  fee_change: "fee change",
  distribution: "distribution",
  staking_reward: "staking reward",
};

/**
 * A restatement in words. Flows in US$ millions as Farside prints them: "FBTC, 12 Aug 2026: 0.0 →
 * −$46.8M, seen 13 Aug 02:30 UTC"; "GBTC, 2 Oct 2024: 0.0 → withdrawn (–), seen …"; "IBIT, 1 Nov
 * 2024: 0.0 confirmed, seen …". Prices, holdings, events and metadata say which field changed.
 */
export function revisionInWords(row: Revision): string {
  const subject = subjectOf(row) ?? "A figure";
  const day = factDateOf(row);
  const on = day ? `, ${f.date(day)}` : "";
  const seen = `seen ${f.moment(seenAt(row), day ?? undefined)}`;
  switch (row.entity) {
    case "flow":
      return `${subject}${on}: ${flowChange(row.old_value, row.new_value)}, ${seen}`;
    case "price":
      return `${subject} price${on}: ${fieldChanges(row.old_value, row.new_value).replace(/^close /, "")}, ${seen}`;
    case "holding":
      return `${subject} coins held${on}: ${fieldChanges(row.old_value, row.new_value).replace(/^coins /, "")}, ${seen}`;
    case "fund":
      return `${subject} details: ${fieldChanges(row.old_value, row.new_value)}, ${seen}`;
    case "event": {
      const type = asValues(row.new_value).type;
      const what = EVENT_WORDS[String(type)] ?? "corporate action";
      return `${subject} ${what}${on}: ${fieldChanges(row.old_value, row.new_value)}, ${seen}`;
    }
    default:
      return `${subject}: ${fieldChanges(row.old_value, row.new_value)}, ${seen}`;
  }
}
