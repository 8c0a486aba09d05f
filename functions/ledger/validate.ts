// The checks of docs/api.md that need reference data: known funds and assets, dates the fund could trade,
// exact decimals at the asset's precision, amounts within bounds, no key twice in a batch.
import type { z } from "@hono/zod-openapi";
import {
  CALENDAR_FIRST_DAY,
  CALENDAR_LAST_DAY,
  calendarOf,
  closureReason,
  isSupportedExchange,
  SUPPORTED_EXCHANGES,
} from "../../shared/calendar.ts";
import { addDays, todayUtc } from "../../shared/dates.ts";
import { formatDecimal, parseDecimal, pow10, USD_SCALE } from "../../shared/decimal.ts";
import type { Asset, Fund } from "../../shared/domain.ts";
import { type FieldError, pointer } from "../problem.ts";

export const MAX_ABS_USD = 10n ** 13n;
/** Far more coins than exist of any asset: a bound that catches unit mix-ups (wei for ether). */
export const MAX_ABS_UNITS = 10n ** 12n;

export interface Reference {
  funds: Map<string, Fund>;
  assets: Map<string, Asset>;
  today: string;
}

/** Collects every problem of a batch, each with its pointer. */
export class BatchErrors {
  readonly errors: FieldError[] = [];
  add(pointer: string, detail: string): void {
    if (this.errors.length < 1000) this.errors.push({ pointer, detail });
  }
}

/** The last `today` asked about and the day after it: a batch asks about the same day for every row. */
let latestDay = { today: "", tomorrow: "" };

export function checkNotFuture(errors: BatchErrors, at: string, date: string, today: string): void {
  if (latestDay.today !== today) latestDay = { today, tomorrow: addDays(today, 1) };
  if (date > latestDay.tomorrow) errors.add(at, `${date} is more than one day in the future`);
}

export function checkCalendarRange(errors: BatchErrors, at: string, date: string): boolean {
  if (date < CALENDAR_FIRST_DAY || date > CALENDAR_LAST_DAY) {
    errors.add(
      at,
      `${date} is outside the trading calendars (${CALENDAR_FIRST_DAY} to ${CALENDAR_LAST_DAY})`,
    );
    return false;
  }
  return true;
}

/** A fund the row can name, or an error at `at`. */
export function knownFund(
  errors: BatchErrors,
  reference: Reference,
  at: string,
  ticker: string,
): Fund | undefined {
  const fund = reference.funds.get(ticker);
  if (!fund) errors.add(at, `unknown fund ${ticker}; create it with PUT /v1/funds/${ticker} first`);
  return fund;
}

/** The fund traded on `date`: listed, not delisted, its exchange open. */
export function checkFundTradingDay(errors: BatchErrors, at: string, fund: Fund, date: string): void {
  if (!checkCalendarRange(errors, at, date)) return;
  if (date < fund.listed_on) {
    errors.add(at, `${fund.ticker} was not listed yet on ${date} (listed on ${fund.listed_on})`);
  } else if (fund.delisted_on && date > fund.delisted_on) {
    errors.add(at, `${fund.ticker} was delisted on ${fund.delisted_on}`);
  } else {
    const calendar = calendarOf(fund) ?? "XNYS";
    const closed = closureReason(calendar, date);
    if (closed) errors.add(at, `${calendar} was closed on ${date} (${closed}); no flow can be dated then`);
  }
}

/** An exact decimal at `scale`, canonical text, or an error. */
export function decimalText(
  errors: BatchErrors,
  at: string,
  input: string | number,
  scale: number,
  bounds: { min?: bigint; max: bigint; positive?: boolean },
): string | null {
  const value = parseDecimal(input, scale);
  if (typeof value === "string") {
    errors.add(at, value);
    return null;
  }
  const limit = bounds.max * pow10(scale);
  if (value > limit || value < (bounds.min ?? -bounds.max) * pow10(scale)) {
    errors.add(at, `out of range (at most ${bounds.max} in magnitude)`);
    return null;
  }
  if (bounds.positive && value <= 0n) {
    errors.add(at, "must be greater than zero");
    return null;
  }
  return formatDecimal(value, scale);
}

/**
 * USD text that is already canonical (two decimal places, no leading zero, no "-0.00") and well
 * within MAX_ABS_USD (at most 13 whole digits): what decimalText would give back, character for
 * character. A provider's feed sends almost only such amounts, and this spares each its bigints.
 */
const CANONICAL_USD = /^(?:0|-?[1-9]\d{0,12})\.\d\d$|^-0\.(?:0[1-9]|[1-9]\d)$/;

export function usdText(errors: BatchErrors, at: string, input: string | number): string | null {
  if (typeof input === "string" && CANONICAL_USD.test(input)) return input;
  return decimalText(errors, at, input, USD_SCALE, { max: MAX_ABS_USD });
}

export function todayReference(funds: Map<string, Fund>, assets: Map<string, Asset>): Reference {
  return { funds, assets, today: todayUtc() };
}

/** A schema's issues as the API names them (as app.ts's default hook does): one error per unknown key. */
export function schemaErrors(issues: readonly z.core.$ZodIssue[], prefix = ""): FieldError[] {
  return issues.flatMap((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [null];
    return keys.map((key) => ({
      pointer: prefix + pointer(key === null ? issue.path : [...issue.path, key]),
      detail: key === null ? issue.message : `unknown field ${key}`,
    }));
  });
}

/**
 * The fields of `raw` that pass their own schema in an object schema, parsed: what the reference checks
 * of a body that failed its schema can still judge. Nothing when `raw` is not an object.
 */
export function fieldsPassing(schema: z.ZodObject, raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const passing: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const value = Object.hasOwn(raw, field) ? (raw as Record<string, unknown>)[field] : undefined;
    const parsed = fieldSchema.safeParse(value);
    if (parsed.success) passing[field] = parsed.data;
  }
  return passing;
}

/** The metadata fields a fund's reference checks read; each absent when it failed its schema. */
export interface FundReferenceFields {
  asset?: string;
  country?: string;
  exchange?: string | null;
  listed_on?: string;
}

/**
 * The checks of a fund's metadata beyond its schema (PUT /v1/funds/{ticker}, POST /v1/funds): a known
 * asset, a listing day inside the calendars and open on the fund's exchange, an exchange with a
 * calendar. A check runs whenever the fields it reads passed their schema, so a body's schema faults
 * and these come in one answer; a closure is judged only on an exchange known to be right.
 */
export function checkFundReference(
  errors: BatchErrors,
  at: string,
  fund: FundReferenceFields,
  assets: ReadonlySet<string>,
): void {
  if (fund.asset !== undefined && !assets.has(fund.asset))
    errors.add(`${at}/asset`, `unknown asset ${fund.asset}`);
  const listed = fund.listed_on;
  const listedInRange = listed !== undefined && listed >= CALENDAR_FIRST_DAY && listed <= CALENDAR_LAST_DAY;
  if (listed !== undefined && !listedInRange) {
    errors.add(
      `${at}/listed_on`,
      `outside the trading calendars (${CALENDAR_FIRST_DAY} to ${CALENDAR_LAST_DAY})`,
    );
  }
  // Without an exchange the calendar follows from the country; a bad field of the two judges nothing.
  if (fund.exchange === undefined || (fund.exchange === null && fund.country === undefined)) return;
  const calendar = calendarOf({ exchange: fund.exchange, country: fund.country ?? "" });
  const supported = SUPPORTED_EXCHANGES.join(", ");
  if (calendar === null) {
    errors.add(
      `${at}/exchange`,
      `not known, and ${fund.country} has no shared trading calendar; supported: ${supported}`,
    );
  } else if (!isSupportedExchange(calendar)) {
    errors.add(`${at}/exchange`, `no trading calendar for ${calendar}; supported: ${supported}`);
  } else if (listedInRange) {
    const closed = closureReason(calendar, listed);
    if (closed) errors.add(`${at}/listed_on`, `${calendar} was closed on ${listed} (${closed})`);
  }
}

/**
 * Every problem of one fund's metadata that failed its schema: the schema's own, then the reference
 * checks of the fields that passed it.
 */
export function fundProblems(
  schema: z.ZodObject,
  raw: unknown,
  at: string,
  assets: ReadonlySet<string>,
): FieldError[] {
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? [] : schemaErrors(parsed.error.issues, at);
  const reference = new BatchErrors();
  checkFundReference(reference, at, fieldsPassing(schema, raw) as FundReferenceFields, assets);
  return [...problems, ...reference.errors];
}
