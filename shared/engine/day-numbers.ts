// Date text ⇄ day number without Date objects. The engine turns every day of every fund into its
// ISO date, so the strings are made once per distinct day and shared by all funds.
import { fromDayNumber } from "../dates.ts";

const isoDates = new Map<number, string>();

/**
 * The ISO date of a day number (days since 1970-01-01), made once and then shared. The cache holds
 * one string per distinct day ever asked for: a few thousand for a decade of history.
 */
export function isoDateOf(day: number): string {
  let date = isoDates.get(day);
  if (date === undefined) {
    date = fromDayNumber(day);
    isoDates.set(day, date);
  }
  return date;
}

const ZERO = 48;

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - ZERO;
  return value;
}

/**
 * Day number of a valid YYYY-MM-DD date (days since 1970-01-01), by the civil-calendar arithmetic
 * of H. Hinnant's days_from_civil: what dates.ts toDayNumber returns, without parsing a Date.
 */
export function dayNumberOf(date: string): number {
  const month = digitsAt(date, 5, 2);
  const year = digitsAt(date, 0, 4) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + digitsAt(date, 8, 2) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
