import { describe, expect, it } from "vitest";
import {
  CALENDAR_FIRST_DAY,
  CALENDAR_LAST_DAY,
  closureReason,
  isSupportedExchange,
  isTradingDay,
  SUPPORTED_EXCHANGES,
  tradingDays,
} from "../../shared/calendar.ts";

describe("trading calendar", () => {
  it("closes on the 2024 holidays of the demo data, with their names", () => {
    const holidays2024: [string, string][] = [
      ["2024-01-01", "New Year's Day"],
      ["2024-01-15", "Martin Luther King Jr. Day"],
      ["2024-02-19", "Washington's Birthday (Presidents' Day)"],
      ["2024-03-29", "Good Friday"],
      ["2024-05-27", "Memorial Day"],
      ["2024-06-19", "Juneteenth National Independence Day"],
      ["2024-07-04", "Independence Day"],
      ["2024-09-02", "Labor Day"],
      ["2024-11-28", "Thanksgiving Day"],
      ["2024-12-25", "Christmas Day"],
    ];
    for (const exchange of SUPPORTED_EXCHANGES) {
      for (const [date, reason] of holidays2024) expect(closureReason(exchange, date)).toBe(reason);
    }
    expect(closureReason("XNAS", "2024-01-02")).toBeNull();
  });

  it("closes on weekends, naming the weekday even when a holiday falls on it", () => {
    expect(closureReason("XNAS", "2024-01-13")).toBe("Saturday");
    expect(closureReason("XNAS", "2024-01-14")).toBe("Sunday");
    expect(closureReason("XNAS", "2026-07-04")).toBe("Saturday");
    expect(closureReason("XNAS", "2026-07-03")).toBe("Independence Day (observed)");
  });

  it("moves holidays off weekends, except New Year's Day on a Saturday", () => {
    expect(closureReason("XNYS", "2021-12-31")).toBeNull();
    expect(closureReason("XNYS", "2022-06-20")).toBe("Juneteenth National Independence Day (observed)");
    expect(closureReason("XNYS", "2021-07-05")).toBe("Independence Day (observed)");
    expect(closureReason("XNYS", "2027-12-24")).toBe("Christmas Day (observed)");
    expect(closureReason("XNYS", "2023-01-02")).toBe("New Year's Day (observed)");
  });

  it("closes for Juneteenth from 2022 only", () => {
    expect(isTradingDay("ARCX", "2021-06-18")).toBe(true);
    expect(isTradingDay("ARCX", "2022-06-20")).toBe(false);
    expect(closureReason("ARCX", "2023-06-19")).toBe("Juneteenth National Independence Day");
  });

  it("closes on every unscheduled closure since 2001", () => {
    const closures: [string, string][] = [
      ["2001-09-11", "September 11 attacks"],
      ["2001-09-12", "September 11 attacks"],
      ["2001-09-13", "September 11 attacks"],
      ["2001-09-14", "September 11 attacks"],
      ["2004-06-11", "National Day of Mourning for President Reagan"],
      ["2007-01-02", "National Day of Mourning for President Ford"],
      ["2012-10-29", "Hurricane Sandy"],
      ["2012-10-30", "Hurricane Sandy"],
      ["2018-12-05", "National Day of Mourning for President George H. W. Bush"],
      ["2025-01-09", "National Day of Mourning for President Carter"],
    ];
    for (const [date, reason] of closures) expect(closureReason("BATS", date)).toBe(reason);
    expect(isTradingDay("BATS", "2001-09-17")).toBe(true);
    expect(isTradingDay("BATS", "2012-10-31")).toBe(true);
  });

  it("finds Good Friday from Easter", () => {
    for (const date of ["2001-04-13", "2010-04-02", "2019-04-19", "2024-03-29", "2035-03-23"]) {
      expect(closureReason("XNAS", date)).toBe("Good Friday");
    }
    expect(isTradingDay("XNAS", "2024-04-01")).toBe(true);
  });

  it("counts the trading days of a year", () => {
    expect(tradingDays("XNAS", "2024-01-01", "2024-12-31")).toHaveLength(252);
    expect(tradingDays("XNAS", "2023-01-01", "2023-12-31")).toHaveLength(250);
    expect(tradingDays("XNAS", "2024-12-23", "2024-12-27")).toEqual([
      "2024-12-23",
      "2024-12-24",
      "2024-12-26",
      "2024-12-27",
    ]);
    expect(tradingDays("XNAS", "2024-12-27", "2024-12-23")).toEqual([]);
  });

  it("refuses what it has no calendar for", () => {
    expect(isSupportedExchange("XNAS")).toBe(true);
    expect(isSupportedExchange("XLON")).toBe(false);
    expect(() => closureReason("XLON", "2024-01-02")).toThrow(RangeError);
    expect(() => closureReason("XNAS", "2000-12-29")).toThrow(RangeError);
    expect(() => closureReason("XNAS", "2036-01-02")).toThrow(RangeError);
    expect(() => closureReason("XNAS", "2024-02-30")).toThrow(RangeError);
    expect(() => tradingDays("XNAS", "2035-12-01", "2036-01-31")).toThrow(RangeError);
    expect(closureReason("XNAS", CALENDAR_FIRST_DAY)).toBe("New Year's Day");
    expect(closureReason("XNAS", CALENDAR_LAST_DAY)).toBeNull();
  });
});
