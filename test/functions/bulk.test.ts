// The bulk paths of README "Scale": funds in one batch, writes that defer their recompute to a settle,
// group sums corrected by difference or re-summed in bulk, and cached reads. Each must give exactly the
// numbers a full rebuild gives.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, derivedRows, FUND, fullRecompute, json, settleAll } from "./helpers/api.ts";
import { loadDemo } from "./helpers/demo.ts";

const fundRow = (ticker: string, issuer: string) => ({ ...FUND, ticker, issuer, listed_on: "2024-01-11" });

beforeAll(async () => {
  await loadDemo();
}, 120_000);

describe("POST /v1/funds", () => {
  it("creates, restates and leaves unchanged in one atomic batch, as PUT does", async () => {
    const first = await json("/v1/funds", {
      body: { funds: [fundRow("BULKA", "Bulk One"), fundRow("BULKB", "Bulk Two")] },
    });
    expect(first.body).toMatchObject({ inserted: 2, restated: 0, unchanged: 0 });
    const again = await json("/v1/funds", {
      body: { funds: [fundRow("BULKA", "Bulk One"), { ...fundRow("BULKB", "Bulk Two"), fee_bps: 30 }] },
    });
    expect(again.body).toMatchObject({ inserted: 0, restated: 1, unchanged: 1 });
    const put = await json("/v1/funds/BULKA", { method: "PUT", body: { ...FUND, issuer: "Bulk One" } });
    expect(put.body).toMatchObject({ unchanged: 1 });
  });

  it("refuses the whole batch when one fund is invalid, naming the row", async () => {
    const bad = await json<{ errors: { pointer: string }[] }>("/v1/funds", {
      body: {
        funds: [fundRow("BULKC", "Bulk Three"), { ...fundRow("BULKD", "Bulk Four"), exchange: "XLON" }],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((error) => error.pointer)).toContain("/funds/1/exchange");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM funds WHERE ticker = 'BULKC'").first("n")).toBe(0);
  });
});

describe("recompute=defer", () => {
  it("stores and queues without recomputing; the next read settles first", async () => {
    const flows = [{ fund: "IBIT", date: "2024-10-01", net_flow_usd: "123456789.00", source: "bulk-test" }];
    const deferred = await json<{ recompute_deferred?: boolean }>("/v1/flows?recompute=defer", {
      body: { flows },
    });
    expect(deferred.status).toBe(200);
    expect(deferred.body.recompute_deferred).toBe(true);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue").first("n")).toBeGreaterThan(0);
    const daily = await json<{ rows: { net_flow_usd: string | null }[] }>(
      "/v1/funds/IBIT/daily?from=2024-10-01&to=2024-10-01",
    );
    expect(daily.status).toBe(200);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue").first("n")).toBe(0);
  });

  it("is for admin tokens only", async () => {
    const created = await json<{ token: string }>("/v1/tokens", {
      body: { name: "bulk-provider", scopes: ["flows:write"], funds: null },
    });
    const flows = [{ fund: "IBIT", date: "2024-10-02", net_flow_usd: "1.00" }];
    const refused = await call("/v1/flows?recompute=defer", { token: created.body.token, body: { flows } });
    expect(refused.status).toBe(403);
  });
});

describe("group sums", () => {
  it("corrected by difference after a restatement equal a full rebuild", async () => {
    const flows = [{ fund: "FBTC", date: "2024-05-01", net_flow_usd: "-77000000.00", source: "farside" }];
    expect((await json("/v1/flows", { body: { flows } })).status).toBe(200);
    const incremental = await derivedRows();
    await fullRecompute(5);
    expect(await derivedRows()).toEqual(incremental);
  });

  it("follow a fund that moves to another issuer, deferred writes settled in chunks", async () => {
    const moved = await json("/v1/funds/BITB", {
      method: "PUT",
      body: { ...FUND, name: "Bitwise Bitcoin ETF", issuer: "Moved Issuer", exchange: "ARCX" },
    });
    expect(moved.status).toBe(200);
    const flows = [
      { fund: "ARKB", date: "2024-06-03", net_flow_usd: "5000000.00", source: "farside" },
      { fund: "BITB", date: "2024-06-04", net_flow_usd: "-3000000.00", source: "farside" },
    ];
    expect((await json("/v1/flows?recompute=defer", { body: { flows } })).status).toBe(200);
    await settleAll(5);
    const incremental = await derivedRows();
    expect(incremental.groups.some((row) => row.group_key === "Moved Issuer")).toBe(true);
    await fullRecompute(5);
    expect(await derivedRows()).toEqual(incremental);
  });
});

describe("cached reads", () => {
  it("answer the same bytes until data_version moves, gzipped when asked", async () => {
    // A page big enough to be kept gzipped (a year of every issuer's days).
    const path = "/v1/aggregate?by=issuer&period=day&from=2024-01-01";
    const first = await call(path);
    const body = await first.text();
    const second = await call(path, { headers: { "accept-encoding": "gzip" } });
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(second.headers.get("content-encoding")).toBe("gzip");
    // Sent gzipped over HTTP; read in-process, the runtime decodes the body by its Content-Encoding.
    expect(await second.text()).toBe(body);
    const flows = [{ fund: "IBIT", date: "2024-10-03", net_flow_usd: "42.00", source: "bulk-test" }];
    expect((await json("/v1/flows", { body: { flows } })).status).toBe(200);
    const third = await call(path);
    expect(third.headers.get("etag")).not.toBe(first.headers.get("etag"));
  });
});
