// Day number → date text, cached. The engine turns every day of every fund into its ISO date, so the
// strings are made once per distinct day and shared by all funds (date text → day number: toDayNumber).
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
