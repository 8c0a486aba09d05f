// Trading calendars of the US listing venues. All four follow the NYSE holiday schedule
// (NYSE Rule 7.2; NYSE "Holidays and Trading Hours" page), so they share one table.
// The engine asks about a day millions of times, so each year is expanded once, lazily,
// into a map of every date of that year to its closure reason (null when the market trades).

import { addDays, dayOfWeek, fromDayNumber, isIsoDate, toDayNumber } from "./dates.ts";

export const SUPPORTED_EXCHANGES = ["XNYS", "XNAS", "ARCX", "BATS"] as const;
export type SupportedExchange = (typeof SUPPORTED_EXCHANGES)[number];

export const CALENDAR_FIRST_DAY = "2001-01-01";
export const CALENDAR_LAST_DAY = "2035-12-31";

/** Full-day closures the schedule could not foresee (NYSE market history). */
const UNSCHEDULED_CLOSURES: readonly { date: string; reason: string }[] = [
  { date: "2001-09-11", reason: "September 11 attacks" },
  { date: "2001-09-12", reason: "September 11 attacks" },
  { date: "2001-09-13", reason: "September 11 attacks" },
  { date: "2001-09-14", reason: "September 11 attacks" },
  { date: "2004-06-11", reason: "National Day of Mourning for President Reagan" },
  { date: "2007-01-02", reason: "National Day of Mourning for President Ford" },
  { date: "2012-10-29", reason: "Hurricane Sandy" },
  { date: "2012-10-30", reason: "Hurricane Sandy" },
  { date: "2018-12-05", reason: "National Day of Mourning for President George H. W. Bush" },
  { date: "2025-01-09", reason: "National Day of Mourning for President Carter" },
];

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
/** The NYSE first closed for Juneteenth in 2022, the year after it became a federal holiday. */
const FIRST_JUNETEENTH_CLOSURE = 2022;

const supportedExchanges: ReadonlySet<string> = new Set(SUPPORTED_EXCHANGES);
const unscheduledClosures = new Map(UNSCHEDULED_CLOSURES.map((closure) => [closure.date, closure.reason]));
const closureByDate = new Map<string, string | null>();
const expandedYears = new Set<number>();

/**
 * The calendar a fund trades on: its exchange's, or, where the exchange is not known, the calendar
 * every venue of its country shares (all four US venues follow the NYSE's). Null when neither is known.
 */
export function calendarOf(fund: { exchange: string | null; country: string }): string | null {
  if (fund.exchange !== null) return fund.exchange;
  return fund.country === "US" ? "XNYS" : null;
}

export function isSupportedExchange(exchange: string): exchange is SupportedExchange {
  return supportedExchanges.has(exchange);
}

/** Why `exchange` is closed on `date`, or null when it trades. Throws RangeError outside the calendar. */
export function closureReason(exchange: string, date: string): string | null {
  if (!supportedExchanges.has(exchange)) {
    throw new RangeError(
      `no trading calendar for exchange "${exchange}"; supported: ${SUPPORTED_EXCHANGES.join(", ")}`,
    );
  }
  const known = closureByDate.get(date);
  if (known !== undefined) return known;
  return closureReasonOnFirstSight(date);
}

export function isTradingDay(exchange: string, date: string): boolean {
  return closureReason(exchange, date) === null;
}

/** Trading days from `from` to `to`, both included, in order. */
export function tradingDays(exchange: string, from: string, to: string): string[] {
  closureReason(exchange, from); // both ends must lie in the calendar, even when the range is empty
  closureReason(exchange, to);
  const days: string[] = [];
  const last = toDayNumber(to);
  for (let day = toDayNumber(from); day <= last; day++) {
    const date = fromDayNumber(day);
    if (isTradingDay(exchange, date)) days.push(date);
  }
  return days;
}

function closureReasonOnFirstSight(date: string): string | null {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a calendar date written YYYY-MM-DD`);
  if (date < CALENDAR_FIRST_DAY || date > CALENDAR_LAST_DAY) {
    throw new RangeError(
      `${date} is outside the trading calendar (${CALENDAR_FIRST_DAY} to ${CALENDAR_LAST_DAY})`,
    );
  }
  expandYear(Number(date.slice(0, 4)));
  return closureByDate.get(date) ?? null;
}

function expandYear(year: number): void {
  if (expandedYears.has(year)) return;
  const holidays = holidaysOf(year);
  const last = toDayNumber(`${year}-12-31`);
  for (let day = toDayNumber(`${year}-01-01`); day <= last; day++) {
    const date = fromDayNumber(day);
    closureByDate.set(date, weekendName(date) ?? holidays.get(date) ?? unscheduledClosures.get(date) ?? null);
  }
  expandedYears.add(year);
}

function weekendName(date: string): string | null {
  const weekday = dayOfWeek(date);
  if (weekday === SATURDAY) return "Saturday";
  if (weekday === SUNDAY) return "Sunday";
  return null;
}

/** The NYSE holidays of one year, keyed by the weekday on which the market closes for them. */
function holidaysOf(year: number): Map<string, string> {
  const holidays = new Map<string, string>();
  const fixed = (monthDay: string, name: string, observeSaturdayOnFriday = true) => {
    const date = `${year}-${monthDay}`;
    const weekday = dayOfWeek(date);
    if (weekday === SUNDAY) holidays.set(addDays(date, 1), `${name} (observed)`);
    else if (weekday === SATURDAY && observeSaturdayOnFriday)
      holidays.set(addDays(date, -1), `${name} (observed)`);
    else holidays.set(date, name);
  };
  // NYSE Rule 7.2 keeps the market open on the Friday before a Saturday holiday when that Friday
  // ends an accounting period, so New Year's Day on a Saturday is not observed (2021-12-31 traded).
  fixed("01-01", "New Year's Day", false);
  holidays.set(nthWeekday(year, 1, MONDAY, 3), "Martin Luther King Jr. Day");
  holidays.set(nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday (Presidents' Day)");
  holidays.set(addDays(easterSunday(year), -2), "Good Friday");
  holidays.set(lastWeekdayOnOrBefore(`${year}-05-31`, MONDAY), "Memorial Day");
  if (year >= FIRST_JUNETEENTH_CLOSURE) fixed("06-19", "Juneteenth National Independence Day");
  fixed("07-04", "Independence Day");
  holidays.set(nthWeekday(year, 9, MONDAY, 1), "Labor Day");
  holidays.set(nthWeekday(year, 11, THURSDAY, 4), "Thanksgiving Day");
  fixed("12-25", "Christmas Day");
  return holidays;
}

/** The `n`th given weekday (0 = Sunday) of a month, such as the third Monday of January. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = `${year}-${pad(month)}-01`;
  const offset = (weekday - dayOfWeek(first) + 7) % 7;
  return addDays(first, offset + 7 * (n - 1));
}

function lastWeekdayOnOrBefore(date: string, weekday: number): string {
  return addDays(date, -((dayOfWeek(date) - weekday + 7) % 7));
}

/** Gregorian Easter Sunday, by the anonymous computus (Meeus, "Astronomical Algorithms", ch. 8). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
