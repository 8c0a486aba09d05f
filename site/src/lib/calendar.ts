// ISO weeks of dates, remembered: every fund shares one calendar, so a thousand funds ask about the
// same few thousand dates, and shared/dates.ts's isoWeek parses three Dates per call.
import { isoWeek } from "../../../shared/dates.ts";

const weeks = new Map<string, string>();

export function weekOf(date: string): string {
  let week = weeks.get(date);
  if (week === undefined) {
    week = isoWeek(date);
    weeks.set(date, week);
  }
  return week;
}
