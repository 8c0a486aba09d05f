// The site's loader waits out a busy API: a build that starts while a large write is being
// recomputed gets 503 with Retry-After, and must ask again rather than fail or build from nothing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, expect, it } from "vitest";
import { loadSiteData } from "../../../site/src/lib/data.ts";

const EXPORT = {
  data_version: 7,
  generated_at: "2026-11-24T00:00:00.000Z",
  summary: {},
  assets: [],
  funds: [],
  aggregates: { day: [], week: [], month: [], ytd: [] },
};

const asked: string[] = [];
const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  asked.push(url.pathname);
  if (url.pathname === "/v1/export" && asked.filter((path) => path === "/v1/export").length === 1) {
    response.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" });
    response.end(JSON.stringify({ status: 503, title: "Busy" }));
    return;
  }
  if (url.pathname === "/v1/export") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(EXPORT));
  } else if (url.pathname === "/v1/daily") {
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    response.end("");
  } else if (url.pathname === "/v1/revisions") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ revisions: [] }));
  } else {
    response.writeHead(404);
    response.end();
  }
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("asks again after a 503 with Retry-After, and loads what the API then answers", async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.env.AUMFLOW_API = `http://127.0.0.1:${port}`;
  process.env.AUMFLOW_BUILD_ID = `retry-${Date.now()}`;
  const started = Date.now();
  const data = await loadSiteData();
  expect(data.export.data_version).toBe(7);
  expect(asked.filter((path) => path === "/v1/export")).toHaveLength(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});
