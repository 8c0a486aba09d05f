// The checks of docs/api.md that need reference data: known funds and assets, dates the fund could trade,
// exact decimals at the asset's precision, amounts within bounds, no key twice in a batch.
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY, calendarOf, closureReason } from "../../shared/calendar.ts";
import { addDays, todayUtc } from "../../shared/dates.ts";
import { formatDecimal, parseDecimal, pow10, USD_SCALE } from "../../shared/decimal.ts";
import type { Asset, Fund } from "../../shared/domain.ts";
import type { FieldError } from "../problem.ts";

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

export function checkNotFuture(errors: BatchErrors, at: string, date: string, today: string): void {
  if (date > addDays(today, 1)) errors.add(at, `${date} is more than one day in the future`);
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

export function usdText(errors: BatchErrors, at: string, input: string | number): string | null {
  return decimalText(errors, at, input, USD_SCALE, { max: MAX_ABS_USD });
}

export function todayReference(funds: Map<string, Fund>, assets: Map<string, Asset>): Reference {
  return { funds, assets, today: todayUtc() };
}
