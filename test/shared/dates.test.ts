import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, fromDayNumber, isoWeek, isoWeekMonday, toDayNumber } from "../../shared/dates.ts";

const MS_PER_DAY = 86_400_000;

describe("toDayNumber", () => {
  it("is the day number Date.UTC gives, from year 0000 to 9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_528, max: 2_932_896 }), (day) => {
        const date = fromDayNumber(day);
        expect(toDayNumber(date)).toBe(day);
        expect(toDayNumber(date)).toBe(Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY));
      }),
      { numRuns: 2000 },
    );
  });

  it("counts leap days where the calendar has them", () => {
    expect(toDayNumber("1970-01-01")).toBe(0);
    expect(toDayNumber("2000-03-01") - toDayNumber("2000-02-28")).toBe(2);
    expect(toDayNumber("2100-03-01") - toDayNumber("2100-02-28")).toBe(1);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
  });
});

describe("isoWeekMonday", () => {
  it("is the Monday of every date's ISO week, and that week's first day", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (day) => {
        const date = fromDayNumber(day);
        const monday = isoWeekMonday(isoWeek(date));
        expect(isoWeek(monday)).toBe(isoWeek(date));
        expect(isoWeek(addDays(monday, -1))).not.toBe(isoWeek(date));
        expect(toDayNumber(date) - toDayNumber(monday)).toBeLessThan(7);
      }),
      { numRuns: 2000 },
    );
    expect(isoWeekMonday("2025-W01")).toBe("2024-12-30");
    expect(isoWeekMonday("2020-W53")).toBe("2020-12-28");
    expect(() => isoWeekMonday("2024-02")).toThrow(/not an ISO week/);
  });
});
