import { describe, expect, it } from "vitest";
import text from "../../../data/demo/farside-btc-etf-flows.csv?raw";
import { formatDecimal, parseDecimal } from "../../../shared/decimal.ts";
import { parseFarside, parseMillions } from "../../../shared/import/farside.ts";

const result = parseFarside(text);
const flowsOn = (date: string) => result.flows.filter((flow) => flow.date === date);
const cents = (usd: string) => parseDecimal(usd, 2) as bigint;
const sumOf = (flows: { net_flow_usd: string }[]) =>
  formatDecimal(
    flows.reduce((sum, flow) => sum + cents(flow.net_flow_usd), 0n),
    2,
  );

describe("parseFarside on the real demo table", () => {
  it("reads every printed fund-day and no '-' cell", () => {
    expect(text.trim().split(/\r?\n/).length - 1).toBe(212);
    // 10 funds on 205 trading days plus the Mini Trust's 67 days from 31 Jul 2024.
    expect(result.flows).toHaveLength(2117);
    expect(result.flows.every((flow) => flow.source === "farside")).toBe(true);
  });

  it("turns US$ millions into exact USD, parentheses into negatives", () => {
    const day = flowsOn("2024-01-11");
    expect(day.find((flow) => flow.fund === "IBIT")?.net_flow_usd).toBe("111700000.00");
    expect(day.find((flow) => flow.fund === "GBTC")?.net_flow_usd).toBe("-95100000.00");
    // A quoted Total with a thousands separator ("1,045.0") still checks out: no warning for it.
    expect(result.warnings.some((warning) => warning.includes("12 Mar 2024"))).toBe(false);
  });

  it("records the seven market holidays and imports nothing for them", () => {
    const holidays = [
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
    ];
    expect(result.holidays).toEqual(holidays);
    expect(result.flows.filter((flow) => holidays.includes(flow.date))).toEqual([]);
  });

  it("has no Mini Trust row before its listing on 2024-07-31", () => {
    const miniTrust = result.flows.filter((flow) => flow.fund === "BTC");
    expect(miniTrust[0]?.date).toBe("2024-07-31");
    expect(miniTrust).toHaveLength(67);
  });

  it("warns about the stale Total of 29 Oct 2024 and keeps the cells", () => {
    const stale = result.warnings.filter((warning) => warning.includes("Total says"));
    expect(stale).toHaveLength(1);
    expect(stale[0]).toContain("2024-10-29");
    expect(stale[0]).toContain("870.1");
    expect(stale[0]).toContain("Total says 0.0");
    expect(sumOf(flowsOn("2024-10-29"))).toBe("870100000.00");
  });

  it("cross-checks cleanly against Farside's Total on other days", () => {
    expect(sumOf(flowsOn("2024-01-11"))).toBe("655300000.00"); // Total 655.3
    expect(sumOf(flowsOn("2024-01-16"))).toBe("-52700000.00"); // Total (52.7)
    expect(sumOf(flowsOn("2024-10-30"))).toBe("893300000.00"); // Total 893.3
  });

  it("imports the placeholder zeros of 1 Nov 2024 as provisional, everything else as final", () => {
    const provisional = result.flows.filter((flow) => flow.status === "provisional");
    expect(provisional).toHaveLength(11);
    expect(provisional.every((flow) => flow.date === "2024-11-01" && flow.net_flow_usd === "0.00")).toBe(
      true,
    );
    expect(result.flows.filter((flow) => flow.status === "final")).toHaveLength(2106);
    expect(
      result.warnings.some((warning) => warning.includes("01 Nov 2024") && warning.includes("provisional")),
    ).toBe(true);
  });

  it("sums each fund's flows exactly to its cumulative flow", () => {
    const fund = (ticker: string) => sumOf(result.flows.filter((flow) => flow.fund === ticker));
    expect(fund("IBIT")).toBe("26135900000.00");
    expect(fund("FBTC")).toBe("10491100000.00");
    expect(fund("GBTC")).toBe("-20110300000.00");
    expect(fund("BTC")).toBe("509900000.00");
    expect(sumOf(result.flows)).toBe("24281000000.00");
  });
});

describe("parseFarside on bad input", () => {
  const header = "Date,IBIT,GBTC,Total\r\n";

  it("names the row and column of a garbage cell", () => {
    expect(() => parseFarside(`${header}11 Jan 2024,11x.7,(95.1),16.6\r\n`)).toThrow(
      /line 2, column IBIT.*11x\.7/,
    );
    expect(() => parseFarside(`${header}11 Jan 2024,(1.0,0.0,(1.0)\r\n`)).toThrow(/column IBIT/);
    expect(() => parseFarside(`${header}2024-01-11,1.0,0.0,1.0\r\n`)).toThrow(/line 2, column Date/);
    expect(() => parseFarside(`${header}30 Feb 2024,1.0,0.0,1.0\r\n`)).toThrow(/column Date/);
    expect(() => parseFarside("Day,IBIT,Sum\r\n")).toThrow(/header/);
  });

  it("does not call a placeholder a day that was not the last", () => {
    const zeros = parseFarside(`${header}11 Jan 2024,0.0,0.0,0.0\r\n12 Jan 2024,1.0,(1.0),0.0\r\n`);
    expect(zeros.flows.every((flow) => flow.status === "final")).toBe(true);
    expect(zeros.warnings).toEqual([]);
  });

  it("parses amounts exactly", () => {
    expect(parseMillions("(0.1)")).toBe(-10_000_000n);
    expect(parseMillions("1,045.0")).toBe(104_500_000_000n);
    expect(parseMillions("-")).toBeNull();
    expect(() => parseMillions("1,04.0")).toThrow();
  });
});
