import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseImportArgs } from "../../scripts/import/args.ts";
import { type ImportOptions, runImport } from "../../scripts/import.ts";
import { readImportFile } from "../../shared/import/long.ts";
import type { FundInput } from "../../shared/import/types.ts";
import { countRows, type FakeApi, type Script, startFakeApi } from "../helpers/fake-api.ts";

const root = path.resolve(import.meta.dirname, "../..");
const demo = (name: string) => path.join(root, "data/demo", name);
const market = (name: string) => path.join(root, "data/market", name);
/** GET /v1/funds as the API answers it, with the listing dates of a funds file. */
const fundsOf = (file: string) =>
  (readImportFile(readFileSync(file, "utf8"), file).rows as FundInput[]).map(({ ticker, ...fund }) => ({
    ticker,
    ...fund,
    delisted_on: null,
    latest: null,
  }));
/** The fake API's answers to the reads and settles an import makes, `then` for the rest. */
const knowing =
  (funds: unknown[], then: Script = () => undefined): Script =>
  (request, index) =>
    request.method === "GET" && request.url === "/v1/funds"
      ? { status: 200, body: { funds } }
      : request.method === "GET"
        ? { status: 404, body: { status: 404, detail: "No such fund." } }
        : request.url.startsWith("/v1/admin/settle")
          ? { status: 200, body: { remaining: 0 } }
          : then(request, index);

// Deliberately out of order: the importer must still write funds first and flows last.
const ALL = "farside-btc-etf-flows eth-usd-daily-close events holdings btc-usd-daily-close funds"
  .split(" ")
  .map((name) => demo(`${name}.csv`));

let api: FakeApi;
let sleeps: number[];
let stderr: string;
beforeEach(async () => {
  api = await startFakeApi();
  sleeps = [];
  stderr = "";
});
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aumflow-import-"));
  tempDirs.push(dir);
  return dir;
};
afterEach(async () => {
  await api.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const run = (overrides: Partial<ImportOptions> = {}) =>
  runImport({
    files: ALL,
    api: api.url,
    token: "t0ken",
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides,
  });

describe("runImport against a local fake API", () => {
  it("writes funds first, then prices, holdings, events and flows, in batches", async () => {
    const report = await run({ batchSize: 1000 });
    const paths = api.received.map(
      (request) => `${request.method} ${request.url.replace(/\/v1\/funds\/\w+/, "/v1/funds/T")}`,
    );
    expect([...new Set(paths)]).toEqual([
      "PUT /v1/funds/T",
      "POST /v1/prices",
      "POST /v1/holdings",
      "POST /v1/events",
      "POST /v1/flows",
    ]);
    expect(api.received[0]?.url).toBe("/v1/funds/IBIT");
    expect(JSON.parse(api.received[0]?.body ?? "")).not.toHaveProperty("ticker");
    expect(api.received.every((request) => request.authorization === "Bearer t0ken")).toBe(true);
    const flowBatches = api.received
      .filter((request) => request.url === "/v1/flows")
      .map((r) => countRows(r.body));
    expect(flowBatches).toEqual([1000, 1000, 117]);
    expect(api.received.every((request) => countRows(request.body) <= 1000)).toBe(true);
    expect(report.totals.flows).toEqual({ inserted: 2117, restated: 0, unchanged: 0 });
    expect(report.totals.prices.inserted).toBe(4209 + 3060);
    expect(report.totals.funds.inserted).toBe(11);
    expect(stderr).toContain("farside-btc-etf-flows.csv 29 Oct 2024 (2024-10-29): the fund cells add up");
    expect(stderr).toContain("farside-btc-etf-flows.csv 01 Nov 2024: every fund shows 0.0");
    // The funds file names every Farside column: the API is not asked.
    expect(api.received.some((request) => request.method === "GET")).toBe(false);
  });

  it("sends the same Idempotency-Keys on every run, so a re-run replays", async () => {
    await run();
    const first = api.received.map((request) => request.key);
    await run();
    const second = api.received.slice(first.length).map((request) => request.key);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first.every((key) => /^import-[0-9a-f]{64}$/.test(key))).toBe(true);
    // A dry run stores nothing, so it sends no key: a replayed dry-run answer would be stale.
    await run({ dryRun: true });
    const dry = api.received.slice(2 * first.length);
    expect(dry.every((request) => request.url.endsWith("?dry_run=true") && request.key === "")).toBe(true);
  });

  it("honours Retry-After on 429, backs off with jitter on 5xx and survives a dropped connection", async () => {
    api.script = (_request, index) =>
      index === 0
        ? { status: 429, headers: { "retry-after": "2" }, body: { status: 429 } }
        : index === 1
          ? { status: 503 }
          : index === 2
            ? "destroy"
            : undefined;
    const report = await run({ files: [demo("holdings.csv")] });
    expect(report.totals.holdings.inserted).toBe(1);
    expect(sleeps).toEqual([2000, 1500, 3000]); // Retry-After over backoff, then 2 s and 4 s ceilings at mid jitter
    expect(new Set(api.received.map((request) => request.key)).size).toBe(1);
    expect(stderr).toMatch(/retrying: 429 Too Many Requests; try 2\/6 in 2\.0s/);
  });

  it("gives up after six tries", async () => {
    api.script = () => ({ status: 500 });
    await expect(run({ files: [demo("holdings.csv")] })).rejects.toThrow(/gave up after 6 tries: 500/);
    expect(api.received).toHaveLength(6);
    expect(sleeps).toHaveLength(5);
  });

  it("stops at a 422 with the detail and every field error", async () => {
    const errors = [
      { pointer: "/flows/3/date", detail: "the exchange is closed" },
      { pointer: "/flows/7/fund", detail: "unknown fund" },
    ];
    const refusal = { status: 422, body: { detail: "2 rows are invalid", errors } };
    api.script = knowing(fundsOf(demo("funds.csv")), (request) =>
      request.url === "/v1/flows" ? refusal : undefined,
    );
    const failure = run({ files: [demo("farside-btc-etf-flows.csv")], batchSize: 500 });
    await expect(failure).rejects.toThrow(/refused flows rows 1-500 .*HTTP 422\): 2 rows are invalid/);
    await expect(failure).rejects.toThrow(
      /\/flows\/3\/date: the exchange is closed {2}row 4: \{"fund":"ARKB"/,
    );
    await expect(failure).rejects.toThrow(/\/flows\/7\/fund: unknown fund/);
    expect(api.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /v1/funds",
      "POST /v1/flows",
    ]);
  });

  it("checks every file before sending anything", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "bad.csv"), "fund,date,net_flow_usd\nIBIT,2024-01-11,12x\n");
    await expect(run({ files: [demo("funds.csv"), path.join(dir, "bad.csv")] })).rejects.toThrow(
      /bad\.csv line 2/,
    );
    expect(api.received).toHaveLength(0);
  });

  it("prints about one progress line per 10% when stderr is not a terminal, a redrawn bar when it is", async () => {
    api.script = knowing(fundsOf(demo("funds.csv")));
    await run({ files: [demo("farside-btc-etf-flows.csv")], batchSize: 100 });
    const lines = stderr.split("\n").filter((line) => line.startsWith("["));
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatch(/^\[##########\] 22\/22 batches {2}2117\/2117 rows {2}\d+\.\ds$/);
    stderr = "";
    await run({
      files: [demo("holdings.csv"), demo("events.csv")],
      stderr: { write: (c: string) => (stderr += c), isTTY: true },
    });
    expect(stderr).toContain("\r[#####.....] 1/2 batches  1/2 rows");
    expect(stderr.endsWith("\n")).toBe(true);
  });

  it("asks the API for the listing dates of Farside columns the files do not name, and stops before writing when none knows a fund", async () => {
    const withoutMini = fundsOf(demo("funds.csv")).filter((fund) => fund.ticker !== "BTC");
    api.script = knowing(withoutMini);
    await expect(run({ files: [demo("farside-btc-etf-flows.csv")] })).rejects.toThrow(
      /farside-btc-etf-flows\.csv: no fund BTC in the API or in this import's funds files/,
    );
    expect(api.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /v1/funds",
      "GET /v1/funds/BTC",
    ]);
    api.script = knowing(fundsOf(demo("funds.csv")));
    const report = await run({ files: [demo("farside-btc-etf-flows.csv")] });
    expect(report.totals.flows.inserted).toBe(2117);
    expect(stderr).toContain("asking the API for the listing dates of IBIT, FBTC");
  });

  it("replays the revision log: seeds before flows, packed batches one at a time, every write deferred, then settled", async () => {
    api.script = knowing([]);
    const files = [
      "funds",
      "events",
      "holdings",
      "farside-btc-etf-flows",
      "farside-eth-etf-flows",
      "farside-sol-etf-flows",
    ];
    const replay = {
      files: files.map((name) => market(`${name}.csv`)),
      replay: market("farside-revision-log.csv"),
    };
    const report = await run(replay);
    const paths = api.received.map((request) => `${request.method} ${request.url}`);
    expect([...new Set(paths)]).toEqual([
      "POST /v1/funds?recompute=defer",
      "POST /v1/holdings?recompute=defer",
      "POST /v1/events?recompute=defer",
      "POST /v1/flows?recompute=defer",
      "POST /v1/admin/settle?max_funds=200",
    ]);
    const bodies = (url: string) =>
      api.received.filter((request) => request.url === url).map((request) => JSON.parse(request.body));
    const [fileEvents, seeds] = bodies("/v1/events?recompute=defer");
    expect(fileEvents.events).toHaveLength(5);
    expect(seeds.events).toHaveLength(14);
    expect(seeds.events.find((event: { fund: string }) => event.fund === "GSOL")).toMatchObject({
      type: "seed",
      usd: "102700000.00",
      derived: true,
      observed_at: "2025-12-03T20:00:32Z",
    });
    const batches = bodies("/v1/flows?recompute=defer").map((body) => body.flows);
    expect(batches.map((batch) => batch.length)).toEqual([3555, 3554, 3554, 3554]);
    for (const batch of batches) {
      const keys = batch.map((row: { fund: string; date: string }) => `${row.fund}|${row.date}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(batch.every((row: { observed_at?: string }) => row.observed_at !== undefined)).toBe(true);
    }
    const withdrawn = batches.flat().filter((row: { status: string }) => row.status === "withdrawn");
    expect(withdrawn).toHaveLength(25);
    expect(withdrawn.every((row: object) => !("net_flow_usd" in row))).toBe(true);
    expect(report.replay).toMatchObject({
      firstCells: 7946,
      logChanges: 7361,
      withdrawn: 25,
      dropped: 2,
      batches: 4,
    });
    expect(report.totals.flows.inserted).toBe(14217);
    expect(report.settle?.calls).toBe(1);
    expect(stderr).toContain("replaying ");
    expect(stderr).toContain("MSBT shows 0.0 before its listing on 2026-04-08");
    // A second replay sends the very same writes, so the API answers them from its idempotency keys.
    const keys = api.received.map((request) => request.key).filter((key) => key !== "");
    await run(replay);
    const again = api.received
      .slice(paths.length)
      .map((request) => request.key)
      .filter((key) => key !== "");
    expect(again).toEqual(keys);
  });
});

describe("the import command", () => {
  // Asynchronous on purpose: the fake API lives in this process and must keep answering.
  const cli = (args: string[], cwd = root) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const node = path.join(root, "node_modules/.bin/node");
      const env = { ...process.env, AUMFLOW_TOKEN: "", AUMFLOW_API: "" };
      execFile(node, [path.join(root, "scripts/import.ts"), ...args], { cwd, env }, (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  it("imports with the token from .dev.vars, waiting out a real Retry-After, and prints totals", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ".dev.vars"), 'OTHER=x\nADMIN_TOKEN="from-dev-vars"\n');
    api.script = (_request, index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "1" } } : undefined;
    const started = Date.now();
    const result = await cli([demo("events.csv"), demo("funds.csv"), "--api", api.url, "--dry-run"], dir);
    expect(result.stderr).toContain("warning: ");
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.stdout).toMatch(/dry run \(nothing stored\): 12 rows in 12 batches/);
    expect(result.stdout).toMatch(/funds {5}inserted 11 {2}restated 0 {2}unchanged 0/);
    expect(api.received[1]?.authorization).toBe("Bearer from-dev-vars");
  });

  it("replays a revision log in a dry run and prints what the replay sends", async () => {
    const tables = ["btc", "eth", "sol"].map((asset) => market(`farside-${asset}-etf-flows.csv`));
    const args = [
      "--replay",
      market("farside-revision-log.csv"),
      ...tables,
      market("funds.csv"),
      market("events.csv"),
    ];
    const result = await cli([...args, "--api", api.url, "--dry-run", "--token", "t"]);
    expect(result.stderr).toContain("warning: ");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("dry run (nothing stored): ");
    expect(result.stdout).toContain("replay   first capture (observed 2025-11-17T12:00:31Z): 7946 cells");
    expect(result.stdout).toMatch(
      /7361 logged changes, 5236 of them on fund cells: 5206 new figures, 1 restated, 25 withdrawn/,
    );
    expect(result.stdout).toContain("in 4 batches, each key at most once per batch");
    expect(api.received.every((request) => request.url.endsWith("?dry_run=true") && request.key === "")).toBe(
      true,
    );
    expect(api.received.filter((request) => request.url.startsWith("/v1/flows"))).toHaveLength(4);
  });

  it("explains a usage error with exit code 2", async () => {
    const result = await cli(["--batch", "20000", "x.csv", "--token", "t"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--batch must be a whole number from 1 to 10000");
  });

  it("takes the API and token from options first, then the environment", () => {
    const env = { AUMFLOW_API: "http://api.test", AUMFLOW_TOKEN: "env-token" };
    expect(parseImportArgs(["a.csv"], env, root)).toMatchObject({
      api: "http://api.test",
      token: "env-token",
      batchSize: 5000,
      dryRun: false,
    });
    expect(parseImportArgs(["a.csv", "--token", "cli", "--asset", "eth"], env, root)).toMatchObject({
      token: "cli",
      asset: "ETH",
    });
    expect(parseImportArgs(["--replay", "log.csv", "btc.csv", "eth.csv"], env, root)).toMatchObject({
      files: ["btc.csv", "eth.csv"],
      replay: "log.csv",
    });
  });
});
