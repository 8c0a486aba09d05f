// Calendar dates as ISO strings ("2024-01-11") and as day numbers (days since 1970-01-01, UTC).
// Strings compare correctly with < and >, day numbers make arithmetic cheap.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Dates already found valid: a bulk load checks the same few thousand dates millions of times. */
const validDates = new Set<string>();
const MAX_REMEMBERED_DATES = 100_000;

/** True for a real calendar date written YYYY-MM-DD (rejects 2024-02-30). */
export function isIsoDate(text: string): boolean {
  if (validDates.has(text)) return true;
  const valid = checkIsoDate(text);
  if (valid && validDates.size < MAX_REMEMBERED_DATES) validDates.add(text);
  return valid;
}

function checkIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const ZERO = 48; // "0"

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - ZERO;
  return value;
}

/**
 * Day number of a valid YYYY-MM-DD date (days since 1970-01-01), by the civil-calendar arithmetic of
 * H. Hinnant's days_from_civil: the engine reads every day of every fund, so no Date is parsed.
 */
export function toDayNumber(date: string): number {
  const month = digitsAt(date, 5, 2);
  const year = digitsAt(date, 0, 4) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + digitsAt(date, 8, 2) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The later of two ISO dates. */
export function laterDate(a: string, b: string): string {
  return a < b ? b : a;
}

/** The earlier of two ISO dates. */
export function earlierDate(a: string, b: string): string {
  return a < b ? a : b;
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday */
export function dayOfWeek(date: string): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

/** ISO 8601 week, such as "2024-W02" (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(date: string): string {
  const dayNumber = toDayNumber(date);
  const weekday = (dayOfWeek(date) + 6) % 7; // Monday 0 … Sunday 6
  const thursday = fromDayNumber(dayNumber - weekday + 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((toDayNumber(thursday) - toDayNumber(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday that starts an ISO week ("2024-W02" → "2024-01-08"): week 1 holds 4 January. */
export function isoWeekMonday(week: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new Error(`not an ISO week: ${week}`);
  return addDays(isoWeekStart(`${match[1]}-01-04`), (Number(match[2]) - 1) * 7);
}

/** The Monday that starts the ISO week of `date`. */
export function isoWeekStart(date: string): string {
  return addDays(date, -((dayOfWeek(date) + 6) % 7));
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function yearOf(date: string): string {
  return date.slice(0, 4);
}

/** Every date from `from` to `to`, both included. */
export function* eachDay(from: string, to: string): Generator<string> {
  for (let day = toDayNumber(from); day <= toDayNumber(to); day++) yield fromDayNumber(day);
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
