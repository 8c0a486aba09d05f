// The market record (data/market) loaded into workerd with real D1 and KV as `npm start` loads it, and
// every trap of data/market/README.md checked against the API's answers.
import { beforeAll, describe, expect, it } from "vitest";
import { formatDecimal, USD_SCALE } from "../../shared/decimal.ts";
import { parseFarsideTable } from "../../shared/import/farside-table.ts";
import { tablesAt } from "../../shared/import/log-state.ts";
import { parseRevisionLog } from "../../shared/import/revision-log.ts";
import { json } from "./helpers/api.ts";
import { loadMarket, MARKET_TEXTS, REVISION_LOG_TEXT } from "./helpers/market.ts";

type Day = Record<string, string | null> & { date: string; state: string };
type Flow = { fund: string; date: string; net_flow_usd: string | null; status: string; used: boolean };
type AggregateRow = { key: string; label: string; completeness: string | null; awaiting: string[] };

const daily = async (fund: string, query: string) =>
  (await json<{ rows: Day[] }>(`/v1/funds/${fund}/daily?${query}`)).body.rows;
const dayOf = async (fund: string, date: string) => (await daily(fund, `from=${date}&to=${date}`))[0];

beforeAll(async () => {
  await loadMarket();
}, 120_000);

describe("the market record, as the public saw it", () => {
  it("reproduces a capture of the tables cell for cell at a chosen moment", async () => {
    const moment = "2026-08-13T02:00:00Z";
    const tables = MARKET_TEXTS.filter(({ file }) => file.startsWith("farside-")).map(({ file, text }) =>
      parseFarsideTable(text, file),
    );
    const captured = tablesAt(tables, parseRevisionLog(REVISION_LOG_TEXT), moment);
    const { flows } = (await json<{ flows: Flow[] }>(`/v1/flows?as_of=${moment}`)).body;
    const seen = new Map(
      flows.filter((flow) => flow.used).map((flow) => [`${flow.fund}|${flow.date}`, flow]),
    );
    let cells = 0;
    for (const table of captured.values()) {
      for (const row of table.rows) {
        if (row.date === null) continue;
        table.tickers.forEach((ticker, column) => {
          const cell = row.cells[column] ?? null;
          const fund = ticker === "CETH" ? "TETH" : ticker;
          const flow = seen.get(`${fund}|${row.date}`);
          expect(flow?.net_flow_usd ?? null, `${ticker} ${row.date}`).toBe(
            cell === null ? null : formatDecimal(cell, USD_SCALE),
          );
          cells += 1;
        });
      }
    }
    // Every cell of the three tables as they stood (12 funds × 650 BTC days and the rest).
    expect(cells).toBeGreaterThan(13_000);
    // 12 Aug 2026 as it stood then: placeholder zeros for FBTC and IBIT.
    expect(seen.get("FBTC|2026-08-12")).toMatchObject({ net_flow_usd: "0.00", status: "provisional" });
    expect(seen.get("IBIT|2026-08-12")).toMatchObject({ net_flow_usd: "0.00", status: "provisional" });
  });

  it("shows a withdrawn placeholder as missing until the real figure is seen", async () => {
    // 02:30 UTC on 13 Aug Farside replaced IBIT's 0.0 by "-"; at 04:30 it printed −14.3.
    const at = async (moment: string) =>
      (await daily("IBIT", `from=2026-08-12&to=2026-08-12&as_of=${moment}`))[0];
    expect(await at("2026-08-13T02:00:00Z")).toMatchObject({ state: "provisional", net_flow_usd: "0.00" });
    expect(await at("2026-08-13T03:00:00Z")).toMatchObject({ state: "missing", net_flow_usd: null });
    expect(await at("2026-08-13T05:00:00Z")).toMatchObject({ state: "final", net_flow_usd: "-14300000.00" });
  });

  it("shows a real restatement before and after it was seen, and lists it with that time", async () => {
    const before = await daily("FBTC", "from=2026-08-12&to=2026-08-12&as_of=2026-08-13T02:00:00Z");
    const after = await daily("FBTC", "from=2026-08-12&to=2026-08-12&as_of=2026-08-13T03:00:00Z");
    expect(before[0]).toMatchObject({ state: "provisional", net_flow_usd: "0.00" });
    expect(after[0]).toMatchObject({ state: "final", net_flow_usd: "-46800000.00" });
    const { revisions } = (
      await json<{
        revisions: { date: string; observed_at: string; old_value: unknown; new_value: unknown }[];
      }>("/v1/revisions?restated=true&entity=flow&subject=FBTC&limit=10000")
    ).body;
    const restatement = revisions.find((revision) => revision.date === "2026-08-12");
    expect(restatement).toMatchObject({
      observed_at: "2026-08-13T02:30:06.000Z",
      old_value: { net_flow_usd: "0.00", status: "provisional" },
      new_value: { net_flow_usd: "-46800000.00", status: "final" },
    });
  });

  it("shows nothing of Farside before the first capture", async () => {
    const { flows } = (await json<{ flows: Flow[] }>("/v1/flows?fund=IBIT&as_of=2025-11-16T00:00:00Z")).body;
    expect(flows).toEqual([]);
    const first = (await json<{ flows: Flow[] }>("/v1/flows?fund=IBIT&as_of=2025-11-16T03:00:00Z")).body;
    expect(first.flows.at(-1)?.date).toBe("2025-11-14");
  });
});

describe("the traps of the record", () => {
  it("has no flow on a holiday that has no row, and calls a weekday with no row missing", async () => {
    // 4 Jul 2025: Farside printed no row; the calendar says the market was closed.
    expect(await dayOf("IBIT", "2025-07-04")).toMatchObject({ state: "holiday", net_flow_usd: null });
    // 15 Jan 2024: a row of "-" (holiday rows were printed until June 2025).
    expect(await dayOf("IBIT", "2024-01-15")).toMatchObject({ state: "holiday", net_flow_usd: null });
  });

  it("calls an empty cell on a trading day missing, never 0, and names it on a partial day", async () => {
    for (const [fund, date] of [
      ["BTC", "2024-11-20"],
      ["BTCO", "2026-07-27"],
      ["EZBC", "2026-08-07"],
      ["ETHE", "2026-01-28"],
    ] as const) {
      expect(await dayOf(fund, date), `${fund} ${date}`).toMatchObject({
        state: "missing",
        net_flow_usd: null,
      });
    }
    const { rows } = (
      await json<{ rows: AggregateRow[] }>("/v1/aggregate?by=asset&period=day&from=2024-11-20&to=2024-11-20")
    ).body;
    expect(rows.map((row) => [row.key, row.completeness, row.awaiting])).toEqual([
      ["BTC", "partial", ["BTC"]],
      ["ETH", "partial", ["ETH"]],
    ]);
    const total = (await json<{ rows: AggregateRow[] }>("/v1/aggregate?from=2024-11-20&to=2024-11-20")).body;
    expect(total.rows[0]).toMatchObject({ completeness: "partial", awaiting: ["BTC", "ETH"] });
  });

  it("opens a fund with its seed, not a flow, and derives a lost seed from the row's Total", async () => {
    const { revisions } = (
      await json<{ revisions: { key: string; subject: string; new_value: Record<string, unknown> }[] }>(
        "/v1/revisions?entity=event&limit=10000",
      )
    ).body;
    const seeds = revisions.filter((revision) => revision.key.startsWith("seed|"));
    expect(seeds.map((seed) => seed.subject).sort()).toEqual([
      "BSOL",
      "ETHA",
      "ETHB",
      "ETHV",
      "ETHW",
      "EZET",
      "FETH",
      "FSOL",
      "GSOL",
      "QETH",
      "SOEZ",
      "TETH",
      "TSOL",
      "VSOL",
    ]);
    expect(seeds.find((seed) => seed.subject === "GSOL")?.new_value).toMatchObject({
      usd: "102700000.00",
      derived: "true",
    });
    // ETHB: $104.7M seed at the 10 Mar 2026 close opens it; its first flow is 0.0 on 11 Mar.
    const ethb = await dayOf("ETHB", "2026-03-11");
    expect(ethb).toMatchObject({ state: "final", net_flow_usd: "0.00", cumulative_flow_usd: "0.00" });
    expect(Number(ethb?.aum_usd)).toBeGreaterThan(90_000_000);
  });

  it("lists a fund whose column appears later from its listing, and no cell before it", async () => {
    expect(await dayOf("MSBT", "2026-04-07")).toBeUndefined();
    expect(await dayOf("MSBT", "2026-04-08")).toMatchObject({ state: "final", net_flow_usd: "30600000.00" });
    const { flows } = (await json<{ flows: Flow[] }>("/v1/flows?fund=MSBT&to=2026-04-07")).body;
    expect(flows).toEqual([]);
  });

  it("keeps TETH one fund under its former ticker CETH", async () => {
    const fund = await json<{ ticker: string; listed_on: string }>("/v1/funds/CETH");
    expect(fund.body).toMatchObject({
      ticker: "TETH",
      listed_on: "2024-07-23",
      former_tickers: [{ ticker: "CETH", changed_on: "2025-08-28" }],
    });
    const former = await daily("CETH", "from=2024-07-23&to=2024-07-23");
    expect(former[0]).toMatchObject({ net_flow_usd: "7500000.00" });
  });

  it("uses one close per asset-day by source ranking, the stale Yahoo row only as a cross-check", async () => {
    const { prices } = (
      await json<{
        prices: { asset: string; source: string; close_usd: string; used: boolean; difference_usd: string }[];
      }>("/v1/prices?from=2026-06-24&to=2026-06-24")
    ).body;
    expect(prices.filter((price) => price.used).map((price) => [price.asset, price.source])).toEqual([
      ["BTC", "coingecko"],
      ["ETH", "coingecko"],
      ["SOL", "coingecko"],
    ]);
    expect(prices.find((price) => price.asset === "SOL" && !price.used)).toMatchObject({
      source: "yahoo",
      close_usd: "67.50000000",
      difference_usd: "-0.44878000",
    });
    expect(await dayOf("IBIT", "2026-06-24")).toMatchObject({
      price_usd: "60989.57352200",
      price_stale: false,
    });
  });

  it("shows GSOL's fee history, and accrues the fee in force each day", async () => {
    const fund = await json<{ fee_bps: number; fee_history: unknown[] }>("/v1/funds/GSOL");
    expect(fund.body).toMatchObject({
      fee_bps: 35,
      fee_history: [{ date: "2025-10-29", fee_bps: 35, waiver: null }],
    });
  });

  it("pays ETHE's distribution of 6 Jan 2026 out of AUM as its own term", async () => {
    expect(await dayOf("ETHE", "2026-01-06")).toMatchObject({
      distribution_effect_usd: "-9390000.00",
      net_flow_usd: "-53000000.00",
    });
  });

  it("adds every fund's daily flows up to the table's sums to the cent, seeds excluded", async () => {
    const { funds } = (
      await json<{ funds: { ticker: string; latest: { cumulative_flow_usd: string } }[] }>("/v1/funds")
    ).body;
    expect(funds).toHaveLength(28);
    for (const { file, text } of MARKET_TEXTS.filter(({ file }) => file.startsWith("farside-"))) {
      const table = parseFarsideTable(text, file);
      table.tickers.forEach((ticker, column) => {
        const sum = table.rows.reduce((total, row) => total + (row.cells[column] ?? 0n), 0n);
        const fund = funds.find((candidate) => candidate.ticker === ticker);
        expect(fund?.latest.cumulative_flow_usd, `${file} ${ticker}`).toBe(formatDecimal(sum, USD_SCALE));
      });
    }
  });
});
