// Corrections and time: every version of a restated day stays visible as of its time, and the revision
// feed lists each one; flows on days a fund could not trade are refused; a week without prices is
// carried forward and flagged, never interpolated.
import { describe, expect, it } from "vitest";
import { addDays, todayUtc } from "../../../shared/dates.ts";
import { freshTicker, json, putFund, tableCount } from "../helpers/api.ts";

interface Revision {
  id: number;
  key: string;
  old_value: Record<string, string | null> | null;
  new_value: Record<string, string | null>;
  recorded_at: string;
}
interface Flow {
  date: string;
  source: string;
  net_flow_usd: string;
  status: string;
}
interface DailyRow {
  date: string;
  state: string;
  price_usd: string | null;
  price_stale: boolean;
  units: string;
  aum_usd: string;
  net_flow_usd: string | null;
}

/** Lets the clock move, so that two writes never share a recorded_at millisecond. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function postFlow(flow: Record<string, unknown>) {
  return json<{
    inserted: number;
    restated: number;
    unchanged: number;
    errors?: { pointer: string; detail: string }[];
  }>("/v1/flows", { body: { flows: [flow] } });
}

describe("corrections", () => {
  it("keeps a provisional zero, its restatement and a second restatement, each visible as of its time", async () => {
    const fund = freshTicker("R");
    await putFund(fund);
    const day = "2024-03-14";
    const versions = [
      { net_flow_usd: "0.00", status: "provisional" },
      { net_flow_usd: "125000000.00", status: "final" },
      { net_flow_usd: "131500000.50", status: "final" },
    ];
    const expectedCounts = [
      { inserted: 1, restated: 0 },
      { inserted: 0, restated: 1 },
      { inserted: 0, restated: 1 },
    ];
    const before = new Date().toISOString();
    await tick();
    for (const [index, version] of versions.entries()) {
      const result = await postFlow({ fund, date: day, source: "farside", ...version });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body).toMatchObject({ ...expectedCounts[index], unchanged: 0 });
      await tick();
    }
    // A stale placeholder sent again never replaces the final figure.
    expect((await postFlow({ fund, date: day, source: "farside", ...versions[0] })).body).toMatchObject({
      inserted: 0,
      restated: 0,
      unchanged: 1,
    });

    const feed = await json<{ revisions: Revision[] }>(`/v1/revisions?subject=${fund}&entity=flow`);
    const chain = feed.body.revisions.filter((revision) => revision.key === `${fund}|${day}|farside`);
    expect(chain.map((revision) => revision.new_value)).toEqual(
      versions.map((version) => ({ ...version, units: null })),
    );
    expect(chain[0]?.old_value).toBeNull();
    for (let i = 1; i < chain.length; i++) expect(chain[i]?.old_value).toEqual(chain[i - 1]?.new_value);

    const asOf = async (moment: string) =>
      (await json<{ flows: Flow[] }>(`/v1/flows?fund=${fund}&as_of=${encodeURIComponent(moment)}`)).body
        .flows;
    expect(await asOf(before)).toEqual([]);
    for (const [index, revision] of chain.entries()) {
      const seen = await asOf(revision.recorded_at);
      expect(
        seen.map(({ net_flow_usd, status }) => ({ net_flow_usd, status })),
        revision.recorded_at,
      ).toEqual([versions[index]]);
      const daily = await json<{ rows: DailyRow[] }>(
        `/v1/funds/${fund}/daily?from=${day}&to=${day}&as_of=${encodeURIComponent(revision.recorded_at)}`,
      );
      expect(daily.status).toBe(200);
      expect(daily.body.rows[0]).toMatchObject({
        date: day,
        net_flow_usd: versions[index]?.net_flow_usd,
        state: versions[index]?.status,
      });
    }
    const latest = await json<{ flows: Flow[] }>(`/v1/flows?fund=${fund}`);
    expect(latest.body.flows.map((flow) => flow.net_flow_usd)).toEqual(["131500000.50"]);
  });
});

describe("time", () => {
  it("refuses flows before listing, on a holiday, after delisting, or more than a day ahead", async () => {
    const fund = freshTicker("W");
    await putFund(fund);
    const stored = await tableCount("flows");
    const refused = async (date: string, because: RegExp) => {
      const result = await postFlow({ fund, date, net_flow_usd: "10.00" });
      expect(result.status, date).toBe(422);
      const errors = result.body.errors ?? [];
      expect(
        errors.map((error) => error.pointer),
        date,
      ).toEqual(errors.map(() => "/flows/0/date"));
      expect(
        errors.map((error) => error.detail),
        date,
      ).toContainEqual(expect.stringMatching(because));
    };
    await refused("2024-01-10", /not listed yet/);
    await refused("2023-12-29", /not listed yet/);
    await refused("2024-07-04", /closed/);
    await refused("2024-11-28", /closed/);
    await refused("2024-01-13", /closed/);
    await refused(addDays(todayUtc(), 2), /future/);
    await refused("2035-12-31", /future/);

    const delisting = await json("/v1/events", {
      body: { events: [{ type: "delisting", date: "2024-06-28", fund, note: "liquidated" }] },
    });
    expect(delisting.status, JSON.stringify(delisting.body)).toBe(200);
    await refused("2024-07-01", /delisted/);
    await refused("2024-12-02", /delisted/);
    expect(await tableCount("flows")).toBe(stored);
    // Up to the last trading day, flows are still taken.
    expect((await postFlow({ fund, date: "2024-06-28", net_flow_usd: "-10.00" })).status).toBe(200);
    expect((await postFlow({ fund, date: "2024-01-11", net_flow_usd: "10.00" })).status).toBe(200);
  });

  it("carries the last close through a week without prices and flags every carried day", async () => {
    const fund = freshTicker("G");
    await putFund(fund, { asset: "SOL", listed_on: "2024-03-01" });
    const closes: Record<string, string> = {};
    for (let day = "2024-03-01"; day <= "2024-03-22"; day = addDays(day, 1)) {
      if (day >= "2024-03-11" && day <= "2024-03-17") continue;
      closes[day] = day <= "2024-03-10" ? "150.00000000" : "220.00000000";
    }
    const prices = await json("/v1/prices", {
      body: {
        prices: Object.entries(closes).map(([date, close_usd]) => ({ asset: "SOL", date, close_usd })),
      },
    });
    expect(prices.status, JSON.stringify(prices.body)).toBe(200);
    expect(
      (await json("/v1/holdings", { body: { holdings: [{ fund, date: "2024-03-01", units: "1000" }] } }))
        .status,
    ).toBe(200);
    expect((await postFlow({ fund, date: "2024-03-22", net_flow_usd: "0.00" })).status).toBe(200);

    const daily = await json<{ rows: DailyRow[] }>(`/v1/funds/${fund}/daily?from=2024-03-08&to=2024-03-19`);
    expect(daily.status).toBe(200);
    const byDate = new Map(daily.body.rows.map((row) => [row.date, row]));
    expect(byDate.get("2024-03-10")).toMatchObject({ price_stale: false });
    const lastClose = byDate.get("2024-03-10")?.price_usd;
    expect(Number(lastClose)).toBe(150);
    for (let day = "2024-03-11"; day <= "2024-03-17"; day = addDays(day, 1)) {
      const row = byDate.get(day);
      expect(row, day).toMatchObject({ price_usd: lastClose, price_stale: true });
      // Valued at the carried close: coins held times 150, to the cent.
      expect(Math.abs(Number(row?.aum_usd) - Number(row?.units) * 150), day).toBeLessThan(0.006);
    }
    expect(byDate.get("2024-03-18")).toMatchObject({ price_stale: false });
    expect(Number(byDate.get("2024-03-18")?.price_usd)).toBe(220);
  });
});
