// The write contract of docs/api.md: status codes with problem+json bodies, limits, tokens and scopes,
// Idempotency-Key semantics, atomic batches.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, FUND, freshTicker, json, putFund, tableCount } from "./helpers/api.ts";
import { createToken } from "./helpers/security.ts";

const flow = (fund: string, date: string, net_flow_usd: string) => ({ fund, date, net_flow_usd });

async function expectProblem(response: Response, status: number, pointer?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  const body = (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { pointer: string }[];
  };
  expect(body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(body)).not.toMatch(/SQLITE|D1_|at \w+ \(|stack/i);
  if (pointer !== undefined) expect(body.errors?.map((error) => error.pointer)).toContain(pointer);
  return body;
}

describe("status codes", () => {
  it("400 for a body that is not JSON", async () => {
    await expectProblem(await call("/v1/flows", { body: "{not json" }), 400);
  });

  it("401 without a token and with an unknown one", async () => {
    await expectProblem(await call("/v1/flows", { token: null, body: { flows: [] } }), 401);
    await expectProblem(await call("/v1/flows", { token: "nope", body: { flows: [] } }), 401);
  });

  it("403 for a token without the scope", async () => {
    const { token } = await createToken(["prices:write"]);
    await expectProblem(await call("/v1/flows", { token, body: { flows: [] } }), 403);
  });

  it("404 for an unknown fund or path, as problem+json", async () => {
    await expectProblem(await call("/v1/funds/NOSUCH"), 404);
    await expectProblem(await call("/v1/nothing-here"), 404);
  });

  it("413 for a body over 5 MiB", async () => {
    const big = JSON.stringify({ flows: [], padding: "x".repeat(5 * 1024 * 1024 + 10) });
    await expectProblem(await call("/v1/flows", { body: big }), 413);
  });

  it("415 for a body that is not JSON by content type", async () => {
    await expectProblem(
      await call("/v1/flows", { body: "a,b", headers: { "content-type": "text/csv" } }),
      415,
    );
  });

  it("422 for more than 10,000 rows, naming the array", async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => flow("IBIT", "2024-01-11", String(i)));
    await expectProblem(await call("/v1/flows", { body: { flows: rows } }), 422, "/flows");
  });

  it("422 for every kind of bad row of docs/api.md, each with its pointer", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const body = await expectProblem(
      await call("/v1/flows", {
        body: {
          flows: [
            flow("NOFUND", "2024-01-11", "1"),
            flow(fund, "2024-13-01", "1"),
            flow(fund, "2099-01-02", "1"),
            flow(fund, "2024-01-10", "1"),
            flow(fund, "2024-01-13", "1"),
            flow(fund, "2024-01-11", "1.234"),
            flow(fund, "2024-01-12", "20000000000000"),
            flow(fund, "2024-01-16", "5"),
            flow(fund, "2024-01-16", "6"),
            { fund, date: "2024-01-17", net_flow_usd: "1", extra: true },
          ],
        },
      }),
      422,
    );
    const pointers = body.errors?.map((error) => error.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        "/flows/0/fund",
        "/flows/1/date",
        "/flows/2/date",
        "/flows/3/date",
        "/flows/4/date",
        "/flows/5/net_flow_usd",
        "/flows/6/net_flow_usd",
        "/flows/8",
        "/flows/9/extra",
      ]),
    );
    const prices = await expectProblem(
      await call("/v1/prices", {
        body: {
          prices: [
            { asset: "BTC", date: "2024-01-11", close_usd: "-1" },
            { asset: "XYZ", date: "2024-01-11", close_usd: "1" },
          ],
        },
      }),
      422,
    );
    expect(prices.errors?.map((error) => error.pointer)).toEqual(["/prices/0/close_usd", "/prices/1/asset"]);
  });
});

describe("tokens", () => {
  it("limits a token to its funds, stores only a hash and can be revoked", async () => {
    const mine = freshTicker();
    const theirs = freshTicker();
    await putFund(mine);
    await putFund(theirs);
    const { id, token } = await createToken(["flows:write"], [mine]);
    const stored = await env.DB.prepare("SELECT token_hash FROM api_tokens WHERE id = ?")
      .bind(id)
      .first<string>("token_hash");
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token);
    const ok = await json("/v1/flows", { token, body: { flows: [flow(mine, "2024-01-11", "1")] } });
    expect(ok.status).toBe(200);
    await expectProblem(
      await call("/v1/flows", { token, body: { flows: [flow(theirs, "2024-01-11", "1")] } }),
      403,
      "/flows/0/fund",
    );
    expect((await json(`/v1/tokens/${id}`, { method: "DELETE" })).status).toBe(200);
    await expectProblem(
      await call("/v1/flows", { token, body: { flows: [flow(mine, "2024-01-12", "1")] } }),
      401,
    );
  });

  it("uses the token's name as the default source", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const { token } = await createToken(["flows:write"]);
    await json("/v1/flows", { token, body: { flows: [flow(fund, "2024-01-11", "1")] } });
    const flows = await json<{ flows: { source: string }[] }>(`/v1/flows?fund=${fund}`);
    expect(flows.body.flows[0]?.source).toMatch(/^provider-/);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer for the same body and refuses another body", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const key = `key-${fund}`;
    const body = { flows: [flow(fund, "2024-01-11", "10")] };
    const first = await call("/v1/flows", { body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const replay = await call("/v1/flows", { body, headers: { "idempotency-key": key } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(firstBody);
    const other = { flows: [flow(fund, "2024-01-11", "11")] };
    await expectProblem(await call("/v1/flows", { body: other, headers: { "idempotency-key": key } }), 422);
  });

  it("replays a fund's write as it first answered, every writer completing its key the same way", async () => {
    const fund = freshTicker();
    const key = `fund-${fund}`;
    const path = `/v1/funds/${fund}`;
    const body = { ...FUND, name: `Fund ${fund}` };
    const first = await call(path, { method: "PUT", body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const replay = await call(path, { method: "PUT", body, headers: { "idempotency-key": key } });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(firstBody);
    expect(JSON.parse(firstBody)).toMatchObject({ inserted: 1, restated: 0, unchanged: 0 });
  });

  it("stores two concurrent requests with one key once, the other is told 409 or replayed", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const key = `race-${fund}`;
    const body = { flows: [flow(fund, "2024-01-11", "10"), flow(fund, "2024-01-12", "20")] };
    const answers = await Promise.all(
      [1, 2].map(() => call("/v1/flows", { body, headers: { "idempotency-key": key } })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM flows WHERE fund = ?")
      .bind(fund)
      .first<number>("n");
    expect(stored).toBe(2);
  });

  it("answers 409 while the first request with the key is still running", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const body = { flows: [flow(fund, "2024-01-11", "10")] };
    const hash = await requestHash("/v1/flows", JSON.stringify(body));
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (token_id, key, request_hash, state, lease_until, created_at) VALUES ('admin', 'busy', ?, 'in_flight', ?, ?)",
    )
      .bind(hash, Date.now() + 60_000, Date.now())
      .run();
    await expectProblem(await call("/v1/flows", { body, headers: { "idempotency-key": "busy" } }), 409);
  });
});

async function requestHash(path: string, body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`POST ${path}?\n${body}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("atomic batches", () => {
  it("stores nothing of a batch with one bad row", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const before = await Promise.all(["flows", "revisions", "recompute_queue"].map(tableCount));
    const response = await call("/v1/flows", {
      body: {
        flows: [flow(fund, "2024-01-11", "1"), flow(fund, "2024-01-12", "2"), flow(fund, "2024-01-13", "3")],
      },
    });
    await expectProblem(response, 422, "/flows/2/date");
    expect(await Promise.all(["flows", "revisions", "recompute_queue"].map(tableCount))).toEqual(before);
  });

  it("validates without storing on dry_run", async () => {
    const fund = freshTicker();
    await putFund(fund);
    const before = await tableCount("flows");
    const result = await json("/v1/flows?dry_run=true", { body: { flows: [flow(fund, "2024-01-11", "1")] } });
    expect(result.body).toMatchObject({ inserted: 1, restated: 0, unchanged: 0, dry_run: true });
    expect(await tableCount("flows")).toBe(before);
  });
});

describe("reads", () => {
  it("serve CSV, ETags with 304, CORS, and 422 for an inverted range", async () => {
    const csv = await call("/v1/funds?format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const first = await call("/v1/funds");
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    const etag = first.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    expect((await call("/v1/funds", { headers: { "if-none-match": etag } })).status).toBe(304);
    await expectProblem(await call("/v1/flows?from=2024-02-01&to=2024-01-01"), 422);
  });

  it("publish the OpenAPI document and render it at /v1/docs", async () => {
    const document = await json<{ openapi: string; paths: Record<string, unknown> }>("/v1/openapi.json");
    expect(document.body.openapi).toBe("3.1.0");
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(["/flows", "/prices", "/funds/{ticker}"]),
    );
    const docs = await call("/v1/docs");
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(await docs.text()).toContain("/v1/flows");
  });

  it("answer health with the data version", async () => {
    const health = await json("/v1/health");
    expect(health.body).toMatchObject({ status: "ok", db: "ok", data_version: expect.any(Number) });
  });
});
