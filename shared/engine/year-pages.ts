// Long reads (GET /v1/aggregate, GET /v1/export) are answered a calendar year at a time. A period
// belongs to the year it begins in: a day or a month to its own year, an ISO week to the year of its
// Monday (2025-W01, from Monday 2024-12-30, is on 2024's page), a year to date to itself. A year's page
// then holds whole periods, and the pages together hold every row exactly once.
import { addDays, isoWeekStart } from "../dates.ts";
import type { Period } from "../export.ts";

/** The year whose page holds the period that `date` is in. */
export function periodYear(date: string, period: Period): number {
  return Number((period === "week" ? isoWeekStart(date) : date).slice(0, 4));
}

/** The first and last calendar day of the periods that belong to `year`. */
export function yearSpan(year: number, period: Period): { from: string; to: string } {
  return { from: firstDayOf(year, period), to: addDays(firstDayOf(year + 1, period), -1) };
}

/** 1 January, or for weeks the first Monday on or after it. */
function firstDayOf(year: number, period: Period): string {
  const newYear = `${String(year).padStart(4, "0")}-01-01`;
  if (period !== "week") return newYear;
  const monday = isoWeekStart(newYear);
  return monday === newYear ? monday : addDays(monday, 7);
}
