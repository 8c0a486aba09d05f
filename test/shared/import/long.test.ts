import { describe, expect, it } from "vitest";
import btcPrices from "../../../data/demo/btc-usd-daily-close.csv?raw";
import events from "../../../data/demo/events.csv?raw";
import farside from "../../../data/demo/farside-btc-etf-flows.csv?raw";
import funds from "../../../data/demo/funds.csv?raw";
import holdings from "../../../data/demo/holdings.csv?raw";
import { assetFromFileName, detectKind, readImportFile } from "../../../shared/import/long.ts";

describe("detectKind", () => {
  it("knows every kind by its header", () => {
    expect(detectKind(["Date", "IBIT", "Total"], "f.csv")).toBe("farside");
    expect(detectKind(funds.split(/\r?\n/)[0]?.split(",") ?? [], "funds.csv")).toBe("funds");
    expect(detectKind(["date", "close_usd"], "p.csv")).toBe("prices");
    expect(detectKind(["asset", "date", "close_usd", "source"], "p.csv")).toBe("prices");
    expect(detectKind(["fund", "date", "net_flow_usd", "units"], "f.csv")).toBe("flows");
    expect(detectKind(["fund", "date", "units", "source"], "h.csv")).toBe("holdings");
    expect(detectKind(["type", "date", "from_fund", "to_fund", "units"], "e.csv")).toBe("events");
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
