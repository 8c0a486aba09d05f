// A fund's days_version (GET /v1/funds) moves when, and only when, its daily rows are rewritten: what
// lets the site build, or any client keeping a fund's rows, fetch again only the funds that changed.
import { describe, expect, it } from "vitest";
import { freshTicker, json, putFund } from "../helpers/api.ts";

interface Listed {
  ticker: string;
  days_version: number | null;
}

async function versions(...tickers: string[]): Promise<Record<string, number | null>> {
  const { body } = await json<{ funds: Listed[] }>("/v1/funds?format=json");
  return Object.fromEntries(
    body.funds.filter((f) => tickers.includes(f.ticker)).map((f) => [f.ticker, f.days_version]),
  );
}

async function postFlows(rows: { fund: string; date: string; net_flow_usd: string }[]) {
  const answer = await json<{ data_version: number }>("/v1/flows", { body: { flows: rows } });
  expect(answer.status).toBe(200);
  return answer.body.data_version;
}

describe("days_version", () => {
  it("moves only for the funds whose rows a write rewrote", async () => {
    const [a, b] = [freshTicker("DV"), freshTicker("DV")];
    await putFund(a);
    await putFund(b);
    // A new fund's rows are computed from its listing on: it has a version from the start.
    const listed = await versions(a, b);
    expect(typeof listed[a]).toBe("number");

    const first = await postFlows([
      { fund: a, date: "2024-01-11", net_flow_usd: "10.00" },
      { fund: b, date: "2024-01-11", net_flow_usd: "20.00" },
    ]);
    const afterFirst = await versions(a, b);
    expect(afterFirst[a]).toBe(first);
    expect(afterFirst[b]).toBe(first);

    // A restatement of A's flow: A's rows change, B's do not.
    const second = await postFlows([{ fund: a, date: "2024-01-11", net_flow_usd: "11.00" }]);
    expect(second).toBeGreaterThan(first);
    expect(await versions(a, b)).toEqual({ [a]: second, [b]: first });

    // The same value again changes nothing: no version moves.
    await postFlows([{ fund: a, date: "2024-01-11", net_flow_usd: "11.00" }]);
    expect(await versions(a, b)).toEqual({ [a]: second, [b]: first });
  });
});
