import { describe, expect, it } from "vitest";
import btcPrices from "../../../data/demo/btc-usd-daily-close.csv?raw";
import events from "../../../data/demo/events.csv?raw";
import farside from "../../../data/demo/farside-btc-etf-flows.csv?raw";
import funds from "../../../data/demo/funds.csv?raw";
import holdings from "../../../data/demo/holdings.csv?raw";
import coingecko from "../../../data/market/btc-usd-daily-close-coingecko.csv?raw";
import yahoo from "../../../data/market/btc-usd-daily-close-yahoo.csv?raw";
import marketEvents from "../../../data/market/events.csv?raw";
import marketFunds from "../../../data/market/funds.csv?raw";
import {
  assetFromFileName,
  detectKind,
  readImportFile,
  sourceFromFileName,
} from "../../../shared/import/long.ts";

describe("detectKind", () => {
  it("knows every kind by its header", () => {
    expect(detectKind(["Date", "IBIT", "Total"], "f.csv")).toBe("farside");
    expect(detectKind(funds.split(/\r?\n/)[0]?.split(",") ?? [], "funds.csv")).toBe("funds");
    expect(detectKind(["date", "close_usd"], "p.csv")).toBe("prices");
    expect(detectKind(["asset", "date", "close_usd", "source"], "p.csv")).toBe("prices");
    expect(detectKind(["fund", "date", "net_flow_usd", "units"], "f.csv")).toBe("flows");
    expect(detectKind(["fund", "date", "units", "source"], "h.csv")).toBe("holdings");
    expect(detectKind(["type", "date", "from_fund", "to_fund", "units"], "e.csv")).toBe("events");
    expect(detectKind(marketEvents.split(/\r?\n/)[0]?.split(",") ?? [], "events.csv")).toBe("events");
    expect(() => detectKind(["a", "b"], "mystery.csv")).toThrow(/mystery\.csv/);
  });
});

describe("readImportFile on the demo files", () => {
  it("reads funds, holdings and the Mini Trust spin-off", () => {
    const fundFile = readImportFile(funds, "funds.csv");
    expect(fundFile.kind).toBe("funds");
    expect(fundFile.rows).toHaveLength(11);
    expect(fundFile.rows[10]).toMatchObject({ ticker: "BTC", listed_on: "2024-07-31", fee_bps: 15 });
    expect(readImportFile(holdings, "holdings.csv").rows).toEqual([
      expect.objectContaining({ fund: "GBTC", date: "2023-12-31", units: "619525.9291702" }),
    ]);
    const eventFile = readImportFile(events, "events.csv");
    expect(eventFile.rows[0]).toMatchObject({ type: "transfer", from_fund: "GBTC", to_fund: "BTC" });
    // The note holds unquoted commas; they stay in the note, and the reader is told.
    expect(eventFile.rows[0]).toMatchObject({ note: expect.stringContaining("10-Q, SEC EDGAR") });
    expect(eventFile.warnings).toHaveLength(1);
  });

  it("rounds Yahoo's float digits half to even at 8 decimals, taking the asset from the name", () => {
    const prices = readImportFile(btcPrices, "data/demo/btc-usd-daily-close.csv");
    expect(prices.rows).toHaveLength(4209);
    expect(prices.rows[0]).toEqual({ asset: "BTC", date: "2014-09-17", close_usd: "457.33401489" });
    const exact = "date,close_usd\n2024-01-01,1.123456785\n2024-01-02,1.123456775\n2024-01-03,2\n";
    expect(
      readImportFile(exact, "p.csv", { asset: "ETH" }).rows.map(
        (row) => (row as { close_usd: string }).close_usd,
      ),
    ).toEqual(["1.12345678", "1.12345678", "2.00000000"]);
    expect(() => readImportFile(exact, "p.csv")).toThrow(/asset/);
    expect(assetFromFileName("/x/eth-usd-daily-close.csv")).toBe("ETH");
  });

  it("reads Farside's table as flows", () => {
    const flows = readImportFile(farside, "farside-btc-etf-flows.csv");
    expect(flows.kind).toBe("flows");
    expect(flows.rows).toHaveLength(2117);
    expect(flows.warnings).toHaveLength(2);
  });

  it("reads long flows with defaults and names bad cells", () => {
    const file =
      "fund,date,net_flow_usd,units,status,source\nIBIT,2024-01-11,-95.1,,,\nIBIT,2024-01-12,5,0.1,provisional,me\n";
    expect(readImportFile(file, "flows.csv").rows).toEqual([
      { fund: "IBIT", date: "2024-01-11", net_flow_usd: "-95.10", status: "final" },
      {
        fund: "IBIT",
        date: "2024-01-12",
        net_flow_usd: "5.00",
        status: "provisional",
        source: "me",
        units: "0.1",
      },
    ]);
    const bad = (row: string) => () => readImportFile(`fund,date,net_flow_usd,status\n${row}\n`, "flows.csv");
    expect(bad("IBIT,2024-01-11,1.005,")).toThrow(/flows\.csv line 2, column net_flow_usd/);
    expect(bad("IBIT,2024-13-01,1,")).toThrow(/column date/);
    expect(bad("IBIT,2024-01-11,1,maybe")).toThrow(/column status/);
    expect(bad(",2024-01-11,1,")).toThrow(/column fund: a value is required/);
  });
});

describe("readImportFile on the market files", () => {
  it("reads funds whose unknown metadata is null, and sends none of the provenance columns", () => {
    const file = readImportFile(marketFunds, "data/market/funds.csv");
    expect(file.rows).toHaveLength(28);
    expect(file.rows.find((row) => "ticker" in row && row.ticker === "MSBT")).toEqual({
      ticker: "MSBT",
      name: null,
      issuer: null,
      asset: "BTC",
      vehicle: "spot_etf",
      country: "US",
      exchange: null,
      listed_on: "2026-04-08",
      fee_bps: 14,
    });
    expect(file.rows.find((row) => "ticker" in row && row.ticker === "ETHB")).toMatchObject({
      vehicle: null,
      fee_bps: 25,
    });
    expect(
      file.rows.every((row) => !("seed_usd_m" in row) && !("notes" in row) && !("delisted_on" in row)),
    ).toBe(true);
  });

  it("reads a staking_policy column when a funds file has one, empty meaning not known", () => {
    const header = "ticker,name,issuer,asset,vehicle,country,exchange,listed_on,fee_bps,staking_policy\n";
    const file = readImportFile(
      `${header}BSOL,,,SOL,,US,,2025-10-28,,retained\nGSOL,,,SOL,,US,,2025-10-29,35,\n`,
      "f.csv",
    );
    expect(file.rows).toMatchObject([
      { staking_policy: "retained", fee_bps: null },
      { staking_policy: null, fee_bps: 35 },
    ]);
    expect(() => readImportFile(`${header}BSOL,,,SOL,,US,,2025-10-28,,kept\n`, "f.csv")).toThrow(
      /staking_policy/,
    );
    expect(() => readImportFile(`${header}BSOL,,,SOL,,US,,2025-10-28,2.5,\n`, "f.csv")).toThrow(
      /whole number/,
    );
  });

  it("reads every kind of corporate action in the market's layout", () => {
    const file = readImportFile(marketEvents, "data/market/events.csv");
    if (file.kind !== "events") throw new Error(`read as ${file.kind}`);
    expect(file.rows.map((row) => row.type)).toEqual([
      "transfer",
      "transfer",
      "ticker_change",
      "fee_change",
      "distribution",
    ]);
    expect(file.rows[0]).toMatchObject({ from_fund: "ETHE", to_fund: "ETH", units: "292262.98913350" });
    expect(file.rows[0]).not.toHaveProperty("fund");
    expect(file.rows[2]).toMatchObject({ fund: "CETH", date: "2025-08-28", new_ticker: "TETH" });
    expect(file.rows[3]).toMatchObject({ fund: "GSOL", date: "2025-10-29", fee_bps: 35 });
    expect(file.rows[4]).toMatchObject({ fund: "ETHE", ex_date: "2026-01-06", usd: "9390000.00" });
    expect(file.rows[4]).not.toHaveProperty("date");
    expect(file.rows.every((row) => row.source !== undefined)).toBe(true);
  });

  it("refuses an action with a value it does not use, or of an unknown type", () => {
    const header = "type,date,fund,to_fund,new_ticker,units,fee_bps,usd,note,source\n";
    const read = (row: string) => () => readImportFile(`${header}${row}\n`, "e.csv");
    expect(read("delisting,2026-01-02,IBIT,,,,,5,,")).toThrow(/column usd: "5" is not used by a delisting/);
    expect(read("merger,2026-01-02,IBIT,,,,,,,")).toThrow(/column type: "merger" must be one of/);
    expect(read("distribution,2026-01-02,ETHE,,,,,,,")).toThrow(/fill exactly one/);
    expect(read("staking_reward,2026-01-02,ETHE,,,1.5,,,,")()).toMatchObject({
      rows: [{ type: "staking_reward", fund: "ETHE", date: "2026-01-02", units: "1.5" }],
    });
  });

  it("takes a price file's source from its name, unless a source column says otherwise", () => {
    const fromYahoo = readImportFile(yahoo, "data/market/btc-usd-daily-close-yahoo.csv");
    expect(fromYahoo.rows[0]).toEqual({
      asset: "BTC",
      date: "2014-09-17",
      close_usd: "457.33401489",
      source: "yahoo",
    });
    const fromCoingecko = readImportFile(coingecko, "data/market/btc-usd-daily-close-coingecko.csv");
    expect(fromCoingecko.rows[0]).toMatchObject({ date: "2026-06-24", source: "coingecko" });
    expect(sourceFromFileName("btc-usd-daily-close.csv")).toBeUndefined();
    const column = "date,close_usd,source\n2026-01-01,1.5,coinbase\n";
    expect(readImportFile(column, "sol-usd-daily-close-yahoo.csv").rows[0]).toEqual({
      asset: "SOL",
      date: "2026-01-01",
      close_usd: "1.50000000",
      source: "coinbase",
    });
  });
});
