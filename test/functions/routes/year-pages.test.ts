// GET /v1/aggregate and GET /v1/export answered a calendar year a page, over ten years of three funds.
// The property that matters: the pages, followed by their `next` links and put together, are the
// whole answer the unpaged read gave, row for row (indicators, streaks and shares included).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { eachGroupDays, readAwaited, readGroupDays } from "../../../functions/db/aggregates.ts";
import { readAggregate } from "../../../functions/mcp/reads.ts";
import { tradingDays } from "../../../shared/calendar.ts";
import { addDays } from "../../../shared/dates.ts";
import {
  aggregateRows,
  aggregateRowsByPeriod,
  awaitingIndex,
} from "../../../shared/engine/aggregate-rows.ts";
import { periodYear } from "../../../shared/engine/year-pages.ts";
import type {
  AggregateRow,
  ExportAggregates,
  ExportDocument,
  ExportYearPage,
  GroupBy,
  Period,
} from "../../../shared/export.ts";
import { call, json, putFund, wholeExport } from "../helpers/api.ts";

const FIRST_DAY = "2016-03-01";
const LAST_DAY = "2025-12-31";
// Listed in three different years: the issuer Beta has no row before 2019, Gamma none before 2021.
const FUNDS = [
  { ticker: "ALPHA", issuer: "Alpha", listed_on: "2016-03-02" },
  { ticker: "BETA", issuer: "Beta", listed_on: "2019-07-10" },
  { ticker: "GAMMA", issuer: "Gamma", listed_on: "2021-01-04" },
];

/** A flow on most trading days, in and out, so streaks run and break; every 37th day left missing. */
function flowsOf(ticker: string, listedOn: string, seed: number) {
  return tradingDays("XNAS", listedOn, LAST_DAY)
    .filter((_, index) => index % 37 !== 36)
    .map((date, index) => {
      const sign = (index * seed) % 7 < 4 ? "" : "-";
      return { fund: ticker, date, net_flow_usd: `${sign}${(index % 13) + 1}000000.00` };
    });
}

async function post(path: string, field: string, rows: object[]) {
  for (let start = 0; start < rows.length; start += 5000) {
    const result = await json(path, { body: { [field]: rows.slice(start, start + 5000) } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  }
}

beforeAll(async () => {
  for (const fund of FUNDS) await putFund(fund.ticker, { issuer: fund.issuer, listed_on: fund.listed_on });
  const prices: object[] = [];
  for (let date = FIRST_DAY, i = 0; date <= LAST_DAY; date = addDays(date, 1), i++)
    prices.push({ asset: "BTC", date, close_usd: String(20000 + ((i * 7919) % 50000)) });
  await post("/v1/prices", "prices", prices);
  for (const [index, fund] of FUNDS.entries())
    await post("/v1/flows", "flows", flowsOf(fund.ticker, fund.listed_on, index + 3));
}, 300_000);

interface AggregatePage {
  by: GroupBy;
  period: Period;
  next: string | null;
  rows: AggregateRow[];
}

/** Every page of a read, from `path` on, following `next`; each page's Link header says the same. */
async function followPages(path: string): Promise<AggregatePage[]> {
  const pages: AggregatePage[] = [];
  for (let next: string | null = path; next !== null; ) {
    const page: { status: number; body: AggregatePage; headers: Headers } = await json<AggregatePage>(next);
    expect(page.status, next).toBe(200);
    expect(page.headers.get("link")).toBe(page.body.next === null ? null : `<${page.body.next}>; rel="next"`);
    pages.push(page.body);
    next = page.body.next;
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

/** The rows the read gave before it was paged: every requested group over the whole range at once. */
async function wholeAnswer(query: Record<string, string>): Promise<AggregateRow[]> {
  const by = (query.by ?? "total") as GroupBy;
  const range = { from: query.from, to: query.to };
  const totals = await readGroupDays(env.DB, "total");
  const options = { ...range, awaiting: awaitingIndex(await readAwaited(env.DB, range)) };
  const rows: AggregateRow[] = [];
  for await (const days of eachGroupDays(env.DB, by, totals, { key: query.key }))
    rows.push(...aggregateRows([days], totals, (query.period ?? "day") as Period, options));
  return rows;
}

/**
 * Each group's rows, in their order, the groups sorted: a page holds every group's rows of a year,
 * the whole answer each group's rows of every year, so the two agree group by group.
 */
function groupsInOrder(rows: readonly AggregateRow[]): [string, AggregateRow[]][] {
  const groups = new Map<string, AggregateRow[]>();
  for (const row of rows) {
    const id = `${row.by}|${row.key}|${row.period}`;
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : 1));
}

const QUERIES: Record<string, string>[] = [
  { by: "issuer", period: "week" },
  { by: "total", period: "day" },
  { by: "asset", period: "month", from: "2017-06-15", to: "2023-03-01" },
  { by: "issuer", key: "Gamma", period: "week", to: "2024-01-03" },
  { by: "country", period: "ytd", from: "2018-01-01" },
  { by: "issuer", period: "day", from: "2012-05-01", to: "2019-08-01" },
];

describe("GET /v1/aggregate, a year a page", () => {
  it("gives, page after page, exactly the rows of the whole range, each page one year's periods", async () => {
    for (const query of QUERIES) {
      const label = JSON.stringify(query);
      const pages = await followPages(`/v1/aggregate?${new URLSearchParams(query)}`);
      const whole = await wholeAnswer(query);
      expect(whole.length, label).toBeGreaterThan(0);
      const paged = pages.flatMap((page) => page.rows);
      expect(paged.length, label).toBe(whole.length);
      expect(groupsInOrder(paged), label).toEqual(groupsInOrder(whole));
      for (const page of pages) {
        const years = new Set(page.rows.map((row) => periodYear(row.start, row.period)));
        expect(years.size, label).toBeLessThanOrEqual(1);
      }
      expect(pages.at(-1)?.next, label).toBeNull();
    }
  });

  it("pages issuer weeks over ten years as ten pages, the week across New Year on its Monday's page", async () => {
    const pages = await followPages("/v1/aggregate?by=issuer&period=week");
    expect(pages.map((page) => page.rows[0]?.start.slice(0, 4))).toEqual([
      "2016",
      "2017",
      "2018",
      "2019",
      "2020",
      "2021",
      "2022",
      "2023",
      "2024",
      "2025",
    ]);
    expect(pages.map((page) => page.next?.match(/from=([\d-]+)/)?.[1] ?? null)).toEqual([
      "2017-01-02",
      "2018-01-01",
      "2019-01-07",
      "2020-01-06",
      "2021-01-04",
      "2022-01-03",
      "2023-01-02",
      "2024-01-01",
      "2025-01-06",
      null,
    ]);
    // Monday 2024-12-30 begins 2025-W01: the last row of Alpha's 2024 page, none of its 2025 page.
    const alpha = (page: AggregatePage | undefined) => page?.rows.filter((row) => row.key === "Alpha") ?? [];
    expect(alpha(pages[8]).at(-1)).toMatchObject({
      label: "2025-W01",
      start: "2024-12-30",
      end: "2025-01-05",
    });
    expect(alpha(pages[9])[0]).toMatchObject({ label: "2025-W02", start: "2025-01-06" });
    expect(pages[0]?.next).toBe("/v1/aggregate?by=issuer&period=week&from=2017-01-02");
  });

  it("keeps a range inside one year on one page, and starts a page at the year of from", async () => {
    const inside = await followPages("/v1/aggregate?by=issuer&period=day&from=2020-02-10&to=2020-11-30");
    expect(inside).toHaveLength(1);
    expect(inside[0]?.rows).toEqual(
      await wholeAnswer({ by: "issuer", from: "2020-02-10", to: "2020-11-30" }),
    );
    // Before any fund: the year of from is empty, and next leads to the first year with rows.
    const early = await json<AggregatePage>("/v1/aggregate?by=issuer&key=Beta&from=2016-05-01");
    expect(early.body.rows).toEqual([]);
    expect(early.body.next).toBe("/v1/aggregate?by=issuer&key=Beta&from=2019-01-01");
    const none = await json<AggregatePage>("/v1/aggregate?from=2026-01-01");
    expect(none.body).toEqual({ by: "total", period: "day", next: null, rows: [] });
    expect(none.headers.get("link")).toBeNull();
  });

  it("pages CSV the same way, with the Link header", async () => {
    const query = "by=issuer&period=month&format=csv";
    let next: string | null = `/v1/aggregate?${query}`;
    const lines: string[] = [];
    let pages = 0;
    while (next) {
      const response = await call(next);
      expect(response.headers.get("content-type")).toContain("text/csv");
      const [header, ...rows] = (await response.text()).trim().split("\n");
      expect(header?.startsWith("by,key,period,label,start")).toBe(true);
      lines.push(...rows);
      next = response.headers.get("link")?.match(/^<([^>]+)>; rel="next"$/)?.[1] ?? null;
      if (next) expect(next).toContain("format=csv");
      pages += 1;
    }
    expect(pages).toBe(10);
    const whole = await wholeAnswer({ by: "issuer", period: "month" });
    expect(lines).toHaveLength(whole.length);
    expect(lines.map((line) => line.split(",").slice(1, 4).join(",")).sort()).toEqual(
      whole.map((row) => `${row.key},${row.period},${row.label}`).sort(),
    );
  });
});

describe("get_aggregate (MCP), over several years", () => {
  it("follows the pages while the rows fit, then names the from to go on with", async () => {
    const ytd = await readAggregate(env.DB, { by: "total", period: "ytd" });
    const pages = await followPages("/v1/aggregate?period=ytd");
    expect(ytd.rows).toEqual(pages.flatMap((page) => page.rows));
    expect(ytd.rows.map((row) => row.label)).toHaveLength(10);
    expect(ytd.next_from).toBeNull();
    // 2016 has 305 of Alpha's days; with 2017's the answer would pass 400 rows.
    const days = await readAggregate(env.DB, { by: "issuer", period: "day", from: FIRST_DAY, to: LAST_DAY });
    expect(days.next_from).toBe("2017-01-01");
    expect(days.rows).toEqual(
      (await followPages(`/v1/aggregate?by=issuer&from=${FIRST_DAY}&to=2016-12-31`))[0]?.rows,
    );
    const again = await readAggregate(env.DB, {
      by: "issuer",
      key: "Alpha",
      period: "day",
      from: "2017-01-01",
    });
    expect(again.rows[0]?.label).toBe("2017-01-01");
    // One year of every issuer's days is over the cap on its own.
    await expect(
      readAggregate(env.DB, { by: "issuer", period: "day", from: "2022-01-01", to: "2022-12-31" }),
    ).rejects.toThrow(/more than 400 rows/);
  });
});

describe("GET /v1/export, a year a page", () => {
  it("holds, over its pages, every aggregate row of every year exactly once", async () => {
    const first = await json<ExportDocument>("/v1/export");
    expect(first.status).toBe(200);
    expect(first.body.funds.map((fund) => fund.ticker)).toEqual(["ALPHA", "BETA", "GAMMA"]);
    expect(first.body.summary.data_version).toBe(first.body.data_version);
    expect(first.body.next).toBe("/v1/export?year=2017");
    expect(first.headers.get("link")).toBe('</v1/export?year=2017>; rel="next"');
    const pages: ExportAggregates[] = [first.body.aggregates];
    for (let next = first.body.next; next !== null; ) {
      const page = await json<ExportYearPage>(next);
      expect(page.status).toBe(200);
      expect(Object.keys(page.body)).toEqual(["data_version", "year", "aggregates", "next"]);
      expect(page.body.data_version).toBe(first.body.data_version);
      for (const rows of Object.values(page.body.aggregates))
        for (const row of rows as AggregateRow[])
          expect(periodYear(row.start, row.period)).toBe(page.body.year);
      pages.push(page.body.aggregates);
      next = page.body.next;
    }
    expect(pages).toHaveLength(10);
    const totals = await readGroupDays(env.DB, "total");
    const awaiting = awaitingIndex(await readAwaited(env.DB));
    for (const period of ["day", "week", "month", "ytd"] as const) {
      const whole: AggregateRow[] = [];
      for (const by of ["total", "asset", "issuer", "country", "vehicle"] as const)
        for await (const days of eachGroupDays(env.DB, by, totals))
          whole.push(...aggregateRowsByPeriod([days], totals, [period], { awaiting })[period]);
      const paged = pages.flatMap((page) => page[period]);
      expect(paged.length, period).toBe(whole.length);
      expect(groupsInOrder(paged), period).toEqual(groupsInOrder(whole));
    }
  });

  it("answers ?year=all as one document: the first page's fields and every page's rows, in page order", async () => {
    const all = await json<ExportDocument>("/v1/export?year=all");
    expect(all.status).toBe(200);
    expect(all.body.next).toBeNull();
    expect(all.headers.get("link")).toBeNull();
    const paged = await wholeExport();
    const { generated_at: _a, ...one } = all.body;
    const { generated_at: _b, ...pages } = paged;
    for (const period of ["day", "week", "month", "ytd"] as const) {
      const key = (row: AggregateRow) => `${row.by}|${row.key}|${row.period}|${row.label}`;
      const sorted = (rows: AggregateRow[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
      expect(sorted(one.aggregates[period]), period).toEqual(sorted(pages.aggregates[period]));
    }
    expect({ ...one, aggregates: null }).toEqual({ ...pages, aggregates: null });
  });

  it("answers 304 per page while data_version stands, and 422 for a year it does not have", async () => {
    const page = await call("/v1/export?year=2019");
    await page.arrayBuffer();
    const etag = page.headers.get("etag") as string;
    expect(etag).toMatch(/^W\//);
    const other = await call("/v1/export?year=2020");
    await other.arrayBuffer();
    expect(other.headers.get("etag")).not.toBe(etag);
    expect((await call("/v1/export?year=2019", { headers: { "if-none-match": etag } })).status).toBe(304);
    const last = await json<ExportYearPage>("/v1/export?year=2025");
    expect(last.body.next).toBeNull();
    expect(last.headers.get("link")).toBeNull();
    for (const year of ["2015", "2026", "20x5", "19999"]) {
      const refused = await json<{ errors: { pointer: string }[] }>(`/v1/export?year=${year}`);
      expect(refused.status, year).toBe(422);
      // The schema's refusal and the route's own check point at the parameter alike.
      expect(refused.body.errors.map((error) => error.pointer)).toEqual(["/query/year"]);
    }
  });
});
