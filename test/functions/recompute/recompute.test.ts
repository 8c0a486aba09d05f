// The incremental recompute (each write recomputes only what it touched) must equal a full rebuild
// from the ledger, after a random sequence of writes and restatements on the real demo data.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { derivedRows, fullRecompute, json } from "../helpers/api.ts";
import { loadDemo } from "../helpers/demo.ts";

const TICKERS = ["IBIT", "FBTC", "BITB", "ARKB", "GBTC", "BTC", "HODL"];
const TRADING_DAYS = [
  "2024-02-05",
  "2024-03-14",
  "2024-05-01",
  "2024-07-31",
  "2024-08-01",
  "2024-09-18",
  "2024-10-29",
  "2024-11-01",
];

async function snapshot() {
  const summary = await json<Record<string, unknown>>("/v1/summary");
  return { ...(await derivedRows()), summary: { ...summary.body, data_version: 0 } };
}

const write = fc.oneof(
  fc.record({
    kind: fc.constant("flow" as const),
    fund: fc.constantFrom(...TICKERS.filter((t) => t !== "BTC")),
    date: fc.constantFrom(...TRADING_DAYS.filter((d) => d !== "2024-07-31")),
    millions: fc.integer({ min: -500, max: 900 }),
    source: fc.constantFrom("farside", "issuer"),
  }),
  fc.record({
    kind: fc.constant("holding" as const),
    fund: fc.constantFrom("IBIT", "FBTC"),
    date: fc.constantFrom("2024-03-31", "2024-06-30", "2024-09-30"),
    coins: fc.integer({ min: 100_000, max: 400_000 }),
  }),
  fc.record({
    kind: fc.constant("price" as const),
    date: fc.constantFrom("2024-01-20", "2024-04-02", "2024-08-05", "2024-10-31"),
    close: fc.integer({ min: 30_000, max: 90_000 }),
  }),
);

beforeAll(async () => {
  await loadDemo();
}, 120_000);

describe("incremental recompute", () => {
  it("equals a full rebuild after random writes and restatements", async () => {
    const writes = fc.sample(write, { numRuns: 24, seed: 20241101 });
    for (const item of writes) {
      const result =
        item.kind === "flow"
          ? await json("/v1/flows", {
              body: {
                flows: [
                  {
                    fund: item.fund,
                    date: item.date,
                    net_flow_usd: `${item.millions}000000.00`,
                    source: item.source,
                  },
                ],
              },
            })
          : item.kind === "holding"
            ? await json("/v1/holdings", {
                body: { holdings: [{ fund: item.fund, date: item.date, units: `${item.coins}.5` }] },
              })
            : await json("/v1/prices", {
                body: { prices: [{ asset: "BTC", date: item.date, close_usd: `${item.close}.25` }] },
              });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
    const incremental = await snapshot();
    expect(incremental.funds.length).toBeGreaterThan(3000);
    await fullRecompute(5);
    const rebuilt = await snapshot();
    expect(rebuilt.funds).toEqual(incremental.funds);
    expect(rebuilt.groups).toEqual(incremental.groups);
    expect(rebuilt.summary).toEqual(incremental.summary);
  }, 120_000);
});
