// The shortcuts a large batch takes on its way in give exactly what the long way gives: a canonical
// amount is kept as it was sent, a small batch travels as one JSON parameter, and a batch whose body
// passed the route's schema is stored as a batch that went row by row through it would be.
import { describe, expect, it } from "vitest";
import { jsonChunks } from "../../../functions/db/json-chunks.ts";
import { BatchErrors, decimalText, MAX_ABS_USD, usdText } from "../../../functions/ledger/validate.ts";
import { freshTicker, json, putFund } from "../helpers/api.ts";

describe("usdText", () => {
  it("answers what decimalText answers, canonical or not", () => {
    const samples = [
      "0.00",
      "-0.00",
      "0.01",
      "-0.01",
      "-0.10",
      "-0.1",
      "1.5",
      "01.00",
      "1.00",
      "-1.00",
      "9999999999999.99",
      "-9999999999999.99",
      "10000000000000.00",
      "10000000000000.01",
      "123.456",
      "123.450",
      "+1.00",
      " 1.00",
      "1e3",
      "",
      "-",
      "00.00",
      "-00.01",
      12.5,
      -0,
    ];
    for (let n = 0; n < 2000; n++) {
      const whole = String(Math.floor(Math.random() * 10 ** Math.floor(Math.random() * 15)));
      const cents = String(Math.floor(Math.random() * 100)).padStart(2, "0");
      samples.push(`${n % 3 === 0 ? "-" : ""}${whole}.${cents}`);
    }
    for (const input of samples) {
      const fast = new BatchErrors();
      const slow = new BatchErrors();
      expect(usdText(fast, "/x", input), String(input)).toBe(
        decimalText(slow, "/x", input, 2, { max: MAX_ABS_USD }),
      );
      expect(fast.errors).toEqual(slow.errors);
    }
  });
});

describe("jsonChunks", () => {
  it("sends a batch far under the limit as one array, the rows' own JSON", () => {
    const rows = Array.from({ length: 1000 }, (_, index) => ["F0001", `2024-01-${index}`, "Fünd ✓", null]);
    expect(jsonChunks(rows)).toEqual([JSON.stringify(rows)]);
  });
});

describe("a batch that passed the route's schema", () => {
  it("is stored with the schema's defaults and canonical amounts, and a replay is unchanged", async () => {
    const ticker = freshTicker("Q");
    await putFund(ticker, { listed_on: "2024-01-11" });
    const flows = [
      { fund: ticker, date: "2024-01-11", net_flow_usd: "12.5" },
      { fund: ticker, date: "2024-01-12", net_flow_usd: 7, status: "provisional" },
      { fund: ticker, date: "2024-01-16", net_flow_usd: "-3.00", source: "other" },
    ];
    const first = await json<{ inserted: number }>("/v1/flows", { method: "POST", body: { flows } });
    expect(first.status).toBe(200);
    expect(first.body.inserted).toBe(3);
    const stored = await json<{
      flows: { date: string; net_flow_usd: string; status: string; source: string }[];
    }>(`/v1/flows?fund=${ticker}`);
    expect(
      stored.body.flows.map(({ date, net_flow_usd, status, source }) => ({
        date,
        net_flow_usd,
        status,
        source,
      })),
    ).toEqual([
      { date: "2024-01-11", net_flow_usd: "12.50", status: "final", source: "admin" },
      { date: "2024-01-12", net_flow_usd: "7.00", status: "provisional", source: "admin" },
      { date: "2024-01-16", net_flow_usd: "-3.00", status: "final", source: "other" },
    ]);
    const replay = await json<{ unchanged: number }>("/v1/flows", { method: "POST", body: { flows } });
    expect(replay.body.unchanged).toBe(3);
  });
});
