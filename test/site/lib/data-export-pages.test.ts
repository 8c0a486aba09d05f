// The site's loader reads the export as one document: from the API in one answer
// (GET /v1/export?year=all, one snapshot however often writes move data_version), from saved pages by
// following `next`.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import type { AggregateRow } from "../../../shared/export.ts";
import { loadSiteData } from "../../../site/src/lib/data.ts";

const row = (label: string) => ({ by: "total", key: "all", label, start: label }) as unknown as AggregateRow;
const aggregates = (year: string) => ({
  day: [row(`${year}-12-31`)],
  week: [row(`${year}-W20`)],
  month: [row(`${year}-05`)],
  ytd: [row(year)],
});
const firstPage = (version: number) => ({
  data_version: version,
  generated_at: "2026-11-24T00:00:00.000Z",
  summary: {},
  assets: [],
  funds: [],
  aggregates: aggregates("2024"),
  next: "/v1/export?year=2025",
});
const yearPage = (version: number, year: number, next: string | null) => ({
  data_version: version,
  year,
  aggregates: aggregates(String(year)),
  next,
});

const asked: string[] = [];
const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  asked.push(`${url.pathname}${url.search}`);
  const send = (body: unknown) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const all = {
    ...firstPage(8),
    aggregates: {
      day: ["2024", "2025", "2026"].flatMap((year) => aggregates(year).day),
      week: ["2024", "2025", "2026"].flatMap((year) => aggregates(year).week),
      month: ["2024", "2025", "2026"].flatMap((year) => aggregates(year).month),
      ytd: ["2024", "2025", "2026"].flatMap((year) => aggregates(year).ytd),
    },
    next: null,
  };
  if (url.pathname === "/v1/export" && url.search === "?year=all") send(all);
  else if (url.pathname === "/v1/export") send(firstPage(7));
  else if (url.pathname === "/v1/daily") {
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    response.end("");
  } else if (url.pathname === "/v1/revisions") send({ revisions: [] });
  else {
    response.writeHead(404);
    response.end();
  }
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  delete process.env.AUMFLOW_EXPORT_DIR;
});

const labels = (rows: readonly AggregateRow[]) => rows.map((found) => found.label);

it("reads the API's export in one answer, ?year=all, never page by page", async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.env.AUMFLOW_API = `http://127.0.0.1:${port}`;
  process.env.AUMFLOW_BUILD_ID = `pages-${Date.now()}`;
  const data = await loadSiteData();
  expect(asked.filter((seen) => seen.startsWith("/v1/export"))).toEqual(["/v1/export?year=all"]);
  expect(data.export.data_version).toBe(8);
  expect(data.export.next).toBeNull();
  expect(labels(data.export.aggregates.day)).toEqual(["2024-12-31", "2025-12-31", "2026-12-31"]);
  expect(labels(data.export.aggregates.ytd)).toEqual(["2024", "2025", "2026"]);
});

it("reads saved pages (export.json, export-YYYY.json) and a saved whole document alike", async () => {
  const paged = mkdtempSync(path.join(tmpdir(), "aumflow-pages-"));
  mkdirSync(path.join(paged, "daily"));
  writeFileSync(path.join(paged, "export.json"), JSON.stringify(firstPage(8)));
  writeFileSync(
    path.join(paged, "export-2025.json"),
    JSON.stringify(yearPage(8, 2025, "/v1/export?year=2026")),
  );
  writeFileSync(path.join(paged, "export-2026.json"), JSON.stringify(yearPage(8, 2026, null)));
  writeFileSync(path.join(paged, "revisions.json"), JSON.stringify({ revisions: [] }));
  process.env.AUMFLOW_EXPORT_DIR = paged;
  process.env.AUMFLOW_BUILD_ID = `saved-pages-${Date.now()}`;
  const fromPages = await loadSiteData();
  expect(labels(fromPages.export.aggregates.month)).toEqual(["2024-05", "2025-05", "2026-05"]);

  const whole = mkdtempSync(path.join(tmpdir(), "aumflow-whole-"));
  const { next: _, ...unpaged } = { ...firstPage(8), aggregates: fromPages.export.aggregates };
  writeFileSync(path.join(whole, "export.json"), JSON.stringify(unpaged));
  writeFileSync(path.join(whole, "revisions.json"), JSON.stringify({ revisions: [] }));
  process.env.AUMFLOW_EXPORT_DIR = whole;
  process.env.AUMFLOW_BUILD_ID = `saved-whole-${Date.now()}`;
  const fromWhole = await loadSiteData();
  expect(fromWhole.export).toEqual({ ...fromPages.export, generated_at: fromWhole.export.generated_at });
});
