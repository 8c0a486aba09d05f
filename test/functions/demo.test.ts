// The engine on the real demo data, loaded through the API as `npm start` loads it.
import { beforeAll, describe, expect, it } from "vitest";
import type { FundDayRow } from "../../shared/export.ts";
import { parseFarside } from "../../shared/import/farside.ts";
import { json, wholeExport } from "./helpers/api.ts";
import { DEMO_TEXTS, loadDemo } from "./helpers/demo.ts";

type Row = FundDayRow;

const cents = (text: string | null) => (text === null ? 0n : BigInt(text.replace(".", "")));

async function daily(ticker: string): Promise<Row[]> {
  const result = await json<{ rows: Row[] }>(`/v1/funds/${ticker}/daily`);
  expect(result.status).toBe(200);
  return result.body.rows;
}

beforeAll(async () => {
  await loadDemo();
}, 120_000);

describe("the demo data through the engine", () => {
  const farside = parseFarside(DEMO_TEXTS["farside-btc-etf-flows.csv"] as string);

  it("gives every fund a cumulative flow equal to the sum of its Farside column, to the cent", async () => {
    const tickers = [...new Set(farside.flows.map((flow) => flow.fund))];
    expect(tickers).toHaveLength(11);
    for (const ticker of tickers) {
      const expected = farside.flows
        .filter((flow) => flow.fund === ticker)
        .reduce((sum, flow) => sum + cents(flow.net_flow_usd), 0n);
      const rows = await daily(ticker);
      const last = rows.at(-1) as Row;
      expect(last.date).toBe("2024-11-01");
      expect(cents(last.cumulative_flow_usd), ticker).toBe(expected);
      const summed = rows.reduce((sum, row) => sum + cents(row.net_flow_usd), 0n);
      expect(summed, ticker).toBe(expected);
    }
  });

  it("splits every AUM change exactly into flow, market, other and fee", async () => {
    for (const ticker of ["IBIT", "GBTC", "BTC"]) {
      let previous = 0n;
      for (const row of await daily(ticker)) {
        const parts =
          cents(row.flow_effect_usd) +
          cents(row.market_effect_usd) +
          cents(row.other_effect_usd) +
          cents(row.fee_effect_usd);
        expect(parts, `${ticker} ${row.date}`).toBe(cents(row.aum_usd) - previous);
        previous = cents(row.aum_usd);
      }
    }
  });

  it("starts GBTC from its holdings mark, not from zero", async () => {
    const rows = await daily("GBTC");
    expect(rows[0]).toMatchObject({ date: "2023-12-31", state: "not_listed", units: "619525.92917020" });
    expect(cents(rows[0]?.aum_usd ?? "0")).toBeGreaterThan(2_500_000_000_000n);
    expect(rows.find((row) => row.date === "2024-01-11")?.state).toBe("final");
  });

  it("moves coins from GBTC to the Mini Trust on 31 Jul 2024 as a transfer, not a flow", async () => {
    const gbtc = (await daily("GBTC")).find((row) => row.date === "2024-07-31") as Row;
    const mini = (await daily("BTC")).find((row) => row.date === "2024-07-31") as Row;
    expect(gbtc.transfer_units).toBe("-26935.83753443");
    expect(mini.transfer_units).toBe("26935.83753443");
    // The flow effects are exactly what Farside printed that day (GBTC 0.0, Mini Trust 18.0): the
    // 26,935.8 BTC moved shows up in "other" on both sides, with opposite signs.
    expect(gbtc.flow_effect_usd).toBe("0.00");
    expect(mini.flow_effect_usd).toBe("18000000.00");
    expect(cents(mini.other_effect_usd)).toBeGreaterThan(1_500_000_000_00n);
    expect(cents(gbtc.other_effect_usd)).toBeLessThan(-1_500_000_000_00n);
    expect((await daily("BTC"))[0]?.date).toBe("2024-07-31");
  });

  it("marks holidays, weekends and the placeholder day for what they are", async () => {
    const rows = await daily("IBIT");
    const byDate = new Map(rows.map((row) => [row.date, row]));
    for (const holiday of [
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
    ]) {
      expect(byDate.get(holiday)?.state, holiday).toBe("holiday");
      expect(byDate.get(holiday)?.net_flow_usd, holiday).toBeNull();
    }
    expect(byDate.get("2024-01-13")?.state).toBe("holiday");
    expect(byDate.get("2024-11-01")).toMatchObject({ state: "provisional", net_flow_usd: "0.00" });
  });

  it("reports the summary with the report date and the provisional day named", async () => {
    const summary = await json<{ report_date: string; provisional_dates: string[]; total_aum_usd: string }>(
      "/v1/summary",
    );
    expect(summary.body.report_date).toBe("2024-11-01");
    expect(summary.body.provisional_dates).toContain("2024-11-01");
    expect(cents(summary.body.total_aum_usd)).toBeGreaterThan(5_000_000_000_000n);
  });

  it("exports the document the site is built from, every period rolled up from the same days", async () => {
    const document = await wholeExport();
    const total = (period: "day" | "week" | "month" | "ytd") =>
      document.aggregates[period].filter((row) => row.by === "total");
    const week = total("week").find((row) => row.label === "2024-W44");
    const days = total("day").filter((row) => row.label >= "2024-10-28" && row.label <= "2024-11-03");
    const summed = days.reduce((sum, row) => sum + cents(row.net_flow_usd), 0n);
    expect(cents(week?.net_flow_usd ?? null)).toBe(summed);
    expect(total("ytd").map((row) => row.label)).toContain("2024");
    expect(total("month").map((row) => row.label)).toContain("2024-10");
  });
});
