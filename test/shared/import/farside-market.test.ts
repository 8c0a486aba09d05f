// Farside's tables as captured (data/market): "-95.1" negatives, empty cells for "-", Seed rows.
import { describe, expect, it } from "vitest";
import btcText from "../../../data/market/farside-btc-etf-flows.csv?raw";
import ethText from "../../../data/market/farside-eth-etf-flows.csv?raw";
import solText from "../../../data/market/farside-sol-etf-flows.csv?raw";
import fundsText from "../../../data/market/funds.csv?raw";
import { parseFarside, parseMillions } from "../../../shared/import/farside.ts";
import { readImportFile } from "../../../shared/import/long.ts";
import { listingDates } from "../../../shared/import/reference.ts";
import type { FundInput } from "../../../shared/import/types.ts";

const funds = readImportFile(fundsText, "funds.csv").rows as FundInput[];
const listedOn = listingDates([], funds);
const btc = parseFarside(btcText, listedOn, "farside-btc");
const eth = parseFarside(ethText, listedOn, "farside-eth");
const sol = parseFarside(solText, listedOn, "farside-sol");
const flow = (result: typeof btc, fund: string, date: string) =>
  result.flows.find((row) => row.fund === fund && row.date === date);

/** US$ millions as written in the capture, to cents, without the parser under test. */
function cents(cell: string): bigint {
  const [whole = "", fraction = ""] = cell.replace("-", "").split(".");
  const value = BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, "0"));
  return cell.startsWith("-") ? -value : value;
}

/** Each fund column's sum over the dated rows of the raw file, in cents. */
function columnSums(text: string): Map<string, bigint> {
  const [header = "", ...lines] = text.trim().split(/\r?\n/);
  const tickers = header.split(",").slice(1, -1);
  const sums = new Map(tickers.map((ticker) => [ticker, 0n]));
  for (const line of lines.filter((row) => !row.startsWith("Seed,"))) {
    const cells = line.split(",").slice(1, -1);
    cells.forEach((cell, i) => {
      const ticker = tickers[i] as string;
      if (cell !== "") sums.set(ticker, (sums.get(ticker) ?? 0n) + cents(cell));
    });
  }
  return sums;
}

describe("Farside's tables as captured", () => {
  it("reads -95.1 as a negative and an empty cell as no figure", () => {
    expect(parseMillions("-95.1")).toBe(-9_510_000_000n);
    expect(parseMillions("")).toBeNull();
    expect(flow(btc, "GBTC", "2024-01-11")?.net_flow_usd).toBe("-95100000.00");
    expect(flow(btc, "IBIT", "2026-08-21")).toMatchObject({ net_flow_usd: "239300000.00", status: "final" });
    // Empty cells on trading days for listed funds: missing, never zero, so no row at all.
    expect(flow(btc, "BTC", "2024-11-20")).toBeUndefined();
    expect(flow(btc, "BTCO", "2026-07-27")).toBeUndefined();
    expect(flow(btc, "EZBC", "2026-08-07")).toBeUndefined();
    expect(flow(btc, "IBIT", "2024-11-20")).toBeDefined();
  });

  it("counts every figure of the three tables and keeps every fund-day once", () => {
    expect([btc.flows.length, eth.flows.length, sol.flows.length]).toEqual([7159, 4814, 1154]);
    for (const result of [btc, eth, sol]) {
      const keys = result.flows.map((row) => `${row.fund}|${row.date}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(result.flows.every((row) => row.status === "final" && row.source === "farside")).toBe(true);
    }
  });

  it("sums each fund's flows to its column's sum, to the cent, the Seed row left out", () => {
    for (const [result, text] of [
      [btc, btcText],
      [eth, ethText],
      [sol, solText],
    ] as const) {
      for (const [ticker, sum] of columnSums(text)) {
        const flows = result.flows.filter((row) => row.fund === ticker);
        const total = flows.reduce((acc, row) => acc + BigInt(row.net_flow_usd.replace(".", "")), 0n);
        expect(total, ticker).toBe(sum);
      }
    }
  });

  it("has holiday rows of '-' up to June 2025 and none after: those days simply have no flows", () => {
    expect(btc.holidays.at(-1)).toBe("2025-06-19");
    expect(btc.holidays).toContain("2024-12-25");
    for (const holiday of ["2025-07-04", "2025-12-25", "2026-01-19", "2026-06-19"]) {
      expect(btc.flows.filter((row) => row.date === holiday)).toEqual([]);
    }
    expect(btc.warnings.filter((warning) => warning.includes("Total says"))).toEqual([]);
  });

  it("turns the Seed row into seed events dated by listing, none of them a flow", () => {
    expect(eth.seeds.map((seed) => [seed.fund, seed.usd])).toEqual([
      ["ETHA", "10600000.00"],
      ["ETHB", "104700000.00"],
      ["FETH", "4400000.00"],
      ["ETHW", "2500000.00"],
      ["TETH", "2300000.00"],
      ["ETHV", "10200000.00"],
      ["QETH", "1100000.00"],
      ["EZET", "2700000.00"],
    ]);
    expect(eth.seeds.find((seed) => seed.fund === "ETHB")).toEqual({
      type: "seed",
      fund: "ETHB",
      date: "2026-03-11",
      usd: "104700000.00",
      source: "farside",
    });
    expect(eth.flows.some((row) => row.date === "")).toBe(false);
    expect(btc.seeds).toEqual([]);
  });

  it("derives GSOL's lost seed from the row's Total, and not ETHE's and ETH's, which share one remainder", () => {
    const gsol = sol.seeds.find((seed) => seed.fund === "GSOL");
    expect(gsol).toEqual({
      type: "seed",
      fund: "GSOL",
      date: "2025-10-29",
      usd: "102700000.00",
      derived: true,
      source: "farside",
    });
    expect(sol.seeds.filter((seed) => seed.derived)).toHaveLength(1);
    expect(sol.warnings).toContainEqual(expect.stringContaining("GSOL's seed cell is empty"));
    expect(sol.warnings.join("\n")).toContain("449.3 − 346.6 = 102.7");
    expect(eth.seeds.some((seed) => seed.fund === "ETHE" || seed.fund === "ETH")).toBe(false);
    expect(eth.warnings).toContainEqual(expect.stringMatching(/ETHE, ETH are empty.*no seed imported/));
  });
});

describe("Farside tables and the funds' listing dates", () => {
  const header = "Date,IBIT,MSBT,Total\n";

  it("drops a cell dated before its fund's listing, with a warning, as for MSBT's early 0.0s", () => {
    const text = `${header}11 Jan 2024,111.7,0.0,111.7\n07 Apr 2026,5.0,0.0,5.0\n08 Apr 2026,1.0,30.6,31.6\n`;
    const result = parseFarside(text, listedOn, "btc.csv");
    expect(result.dropped).toEqual([
      { fund: "MSBT", date: "2024-01-11" },
      { fund: "MSBT", date: "2026-04-07" },
    ]);
    expect(result.flows.filter((row) => row.fund === "MSBT").map((row) => row.date)).toEqual(["2026-04-08"]);
    expect(result.warnings).toContainEqual(
      "btc.csv 07 Apr 2026: MSBT shows 0.0 before its listing on 2026-04-08; not a flow, dropped",
    );
  });

  it("refuses a column no fund is known for, and a Seed row without listing dates", () => {
    expect(() => parseFarside(`Date,IBIT,NOPE,Total\n11 Jan 2024,1.0,,1.0\n`, listedOn, "x.csv")).toThrow(
      /x\.csv: no fund NOPE/,
    );
    expect(() => parseFarside(solText)).toThrow(/Seed row needs each fund's listing date/);
  });

  it("follows a ticker change: a column still named CETH is the fund now called TETH", () => {
    const renamed = listingDates([], funds, [{ fund: "CETH", new_ticker: "TETH" }]);
    const result = parseFarside("Date,CETH,Total\n23 Jul 2024,7.5,7.5\n", renamed);
    expect(result.flows).toEqual([
      { fund: "CETH", date: "2024-07-23", net_flow_usd: "7500000.00", status: "final", source: "farside" },
    ]);
  });

  it("reads both notations, even mixed in one table", () => {
    const text = `${header}11 Jan 2024,"1,045.0",-,"1,045.0"\n12 Jan 2024,(95.1),,-95.1\n`;
    const result = parseFarside(text, listedOn);
    expect(result.flows.map((row) => row.net_flow_usd)).toEqual(["1045000000.00", "-95100000.00"]);
    expect(result.warnings).toEqual([]);
    expect(() => parseMillions("-(1.0)")).toThrow();
    expect(() => parseMillions("1.0)")).toThrow();
  });
});
