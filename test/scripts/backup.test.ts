// `npm run backup` and `npm run restore` against the real product: the market record loaded on one
// local product as `npm start` loads it (Farside's revisions replayed, so the revision log and the
// as_of views have history), a restatement and provider tokens added, backed up, then restored into a
// second, fresh product and every read compared. Corrupted and truncated files are refused with nothing written, and
// so is a restore into a database that is not empty.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, runBackup, splitHeader } from "../../scripts/backup.ts";
import { BackupFileError, RestoreStopped, runRestore, verifyBackup } from "../../scripts/restore.ts";
import type { Manifest } from "../../shared/backup.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "../helpers/local-product.ts";
import { withoutComputeStamps } from "../helpers/reads.ts";

type Product = Awaited<ReturnType<typeof startProduct>>;

const quiet = { write: () => true };
const root = path.resolve(import.meta.dirname, "../..");
let source: Product;
let target: Product;
let dir: string;
let limited = "";
let revoked = "";
/** A moment between the market load and a restatement of one of its flows. */
let between = "";

async function api<T = Record<string, unknown>>(
  product: Product,
  pathAndQuery: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${product.url}${pathAndQuery}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      authorization: `Bearer ${init.token ?? TEST_ADMIN_TOKEN}`,
      ...(init.body !== undefined && { "content-type": "application/json" }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

const manifest = (product: Product) =>
  post<Manifest>({ api: product.url, token: TEST_ADMIN_TOKEN }, "/v1/admin/backup");

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "aumflow-backup-"));
  [source, target] = await Promise.all([startProduct({ data: "market" }), startProduct({ data: "none" })]);
  // Provider tokens: one limited to IBIT, one revoked.
  const made = await api<{ token: string }>(source, "/v1/tokens", {
    body: { name: "blackrock-feed", scopes: ["flows:write"], funds: ["IBIT"] },
  });
  expect(made.status).toBe(201);
  limited = made.body.token;
  const gone = await api<{ id: string; token: string }>(source, "/v1/tokens", {
    body: { name: "former-feed", scopes: ["flows:write"] },
  });
  revoked = gone.body.token;
  expect((await api(source, `/v1/tokens/${gone.body.id}`, { method: "DELETE" })).status).toBe(200);
  // A restatement of a loaded flow after a moment `between`, and a provider's own figure.
  const { flows } = (
    await api<{ flows: { date: string; source: string; net_flow_usd: string }[] }>(
      source,
      "/v1/flows?fund=IBIT",
    )
  ).body;
  const first = flows.find((flow) => flow.source === "farside") as {
    date: string;
    source: string;
    net_flow_usd: string;
  };
  await new Promise((resolve) => setTimeout(resolve, 50));
  between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const restated = await api(source, "/v1/flows", {
    body: { flows: [{ fund: "IBIT", date: first.date, net_flow_usd: "123456.78", source: "farside" }] },
  });
  expect(restated.body).toMatchObject({ restated: 1 });
  const own = await api(source, "/v1/flows", {
    token: limited,
    body: { flows: [{ fund: "IBIT", date: first.date, net_flow_usd: "99.00" }] },
  });
  expect(own.status).toBe(200);
}, 300_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  for (const folder of [dir, source?.persistTo, target?.persistTo])
    if (folder) rmSync(folder, { recursive: true, force: true });
});

const READS = () => [
  "/v1/summary",
  "/v1/funds",
  "/v1/funds/IBIT",
  "/v1/funds/IBIT/daily",
  "/v1/funds/FBTC/daily?from=2024-03-01&to=2024-06-30",
  `/v1/funds/IBIT/daily?as_of=${between}`,
  "/v1/aggregate?by=issuer&period=week",
  "/v1/aggregate?by=total",
  "/v1/flows?fund=IBIT",
  `/v1/flows?fund=IBIT&as_of=${between}`,
  // Farside's captures replayed: figures as the public saw them on days of the record.
  "/v1/flows?fund=IBIT&as_of=2025-12-01T00:00:00Z",
  "/v1/funds/IBIT/daily?as_of=2025-12-01T00:00:00Z",
  "/v1/aggregate?by=asset&period=month",
  "/v1/revisions?limit=10000",
  "/v1/revisions?restated=true",
  "/v1/prices?asset=BTC&from=2024-01-01&to=2024-03-31",
  "/v1/export",
];

async function reads(product: Product): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const url of READS()) {
    const { status, body } = await api<Record<string, unknown>>(product, url);
    expect(status, url).toBe(200);
    const { generated_at: _time, ...rest } = body;
    answers[url] = withoutComputeStamps(rest);
  }
  return answers;
}

/** The target's whole state as the manifest tells it: unchanged by every refused restore. */
const untouched = async () => {
  const state = await manifest(target);
  expect(state).toMatchObject({ empty: true, data_version: 0, restore: null });
  return state;
};

describe("npm run backup / npm run restore", () => {
  let plain: string;
  let gzipped: string;
  let before: Record<string, unknown>;

  it("backs up every table, with a header of counts and checksums", async () => {
    plain = path.join(dir, "aumflow.ndjson");
    gzipped = path.join(dir, "aumflow.ndjson.gz");
    const report = await runBackup({ file: plain, api: source.url, token: TEST_ADMIN_TOKEN, stderr: quiet });
    const zipped = await runBackup({
      file: gzipped,
      api: source.url,
      token: TEST_ADMIN_TOKEN,
      stderr: quiet,
      pageRows: 777,
    });
    expect(zipped.header.content_sha256).toBe(report.header.content_sha256);
    expect(zipped.fileBytes).toBeLessThan(report.fileBytes / 3);
    const { header } = report;
    const rows = Object.fromEntries(header.tables.map((table) => [table.name, table.rows]));
    expect(rows.funds).toBeGreaterThan(5);
    expect(rows.flows).toBeGreaterThan(1000);
    expect(rows.revisions).toBeGreaterThan(rows.flows as number);
    expect(rows.api_tokens).toBe(2);
    expect(header.migration).toMatch(/^\d{4}_.*\.sql$/);
    const lines = readFileSync(plain, "utf8").split("\n");
    expect(JSON.parse(lines[1] as string)).toEqual({ table: "meta", columns: ["key", "value"] });
    expect(lines.at(-1)).toBe("");
    // Only hashes of tokens: the secrets never reach the file.
    expect(readFileSync(plain, "utf8")).not.toContain(limited);
    // Both files hold the same lines after their headers, one gzipped.
    const afterHeader = (text: string) => text.slice(text.indexOf("\n") + 1);
    expect(afterHeader(gunzipSync(readFileSync(gzipped)).toString("utf8"))).toBe(
      afterHeader(readFileSync(plain, "utf8")),
    );
    expect((await verifyBackup(gzipped)).rows).toBe(
      Object.values(rows).reduce((sum, n) => sum + (n as number), 0),
    );
    before = await reads(source);
  });

  it("refuses a corrupted or truncated file, writing nothing", async () => {
    const state = await untouched();
    const text = readFileSync(plain);
    const headerEnd = text.indexOf(0x0a);
    const cases: [string, Buffer, RegExp][] = [];
    // One byte changed in the content: a digit of a row in the middle.
    const content = Buffer.from(text);
    let at = Math.floor(content.length * 0.6);
    while (!((content[at] as number) >= 0x30 && (content[at] as number) <= 0x38)) at += 1;
    content[at] = (content[at] as number) + 1;
    cases.push(["a byte of the content", content, /is corrupted: its content does not match its checksum/]);
    // One byte changed in the header: a row count.
    const header = Buffer.from(text);
    const count = header.subarray(0, headerEnd).indexOf('"rows":');
    header[count + 7] = header[count + 7] === 0x31 ? 0x32 : 0x31;
    cases.push([
      "a byte of the header",
      header,
      /is corrupted: its header does not match the header's checksum/,
    ]);
    cases.push([
      "cut short",
      text.subarray(0, Math.floor(text.length * 0.7)),
      /is truncated: it holds \d+ of the \d+ bytes/,
    ]);
    cases.push([
      "its header only",
      text.subarray(0, headerEnd + 1),
      /is truncated: it holds 0 of the \d+ bytes/,
    ]);
    const zipped = readFileSync(gzipped);
    cases.push([
      "gzipped, cut short",
      zipped.subarray(0, Math.floor(zipped.length / 2)),
      /is truncated or corrupted \(gzip: unexpected end of file\)/,
    ]);
    const flipped = Buffer.from(zipped);
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] as number) ^ 0x10;
    cases.push(["gzipped, a byte changed", flipped, /is (truncated or )?corrupted/]);
    for (const [index, [name, bytes, message]] of cases.entries()) {
      const file = path.join(dir, `broken-${index}.ndjson`);
      writeFileSync(file, bytes);
      const attempt = runRestore({ file, api: target.url, token: TEST_ADMIN_TOKEN, stderr: quiet });
      await expect(attempt, name).rejects.toThrow(BackupFileError);
      await expect(attempt, name).rejects.toThrow(message);
      expect(await manifest(target), name).toEqual(state);
    }
  });

  it("restores into a fresh product: the same figures, revisions, as_of views and tokens", async () => {
    const report = await runRestore({
      file: gzipped,
      api: target.url,
      token: TEST_ADMIN_TOKEN,
      stderr: quiet,
    });
    expect(report.checkedOnly).toBe(false);
    const sourceManifest = await manifest(source);
    expect(report.dataVersion).toBe(sourceManifest.data_version);
    expect(await reads(target)).toEqual(before);
    // The restored product backs up to the same content: every row of every table, ids and times alike.
    const again = await runBackup({
      file: path.join(dir, "again.ndjson"),
      api: target.url,
      token: TEST_ADMIN_TOKEN,
      stderr: quiet,
    });
    const original = await verifyBackup(plain);
    expect(again.header.content_sha256).toBe(original.header.content_sha256);
    expect(again.header.tables).toEqual(original.header.tables);

    const flow = (fund: string) => ({ flows: [{ fund, date: "2024-03-01", net_flow_usd: "1.00" }] });
    expect((await api(target, "/v1/flows?dry_run=true", { token: limited, body: flow("IBIT") })).status).toBe(
      200,
    );
    expect((await api(target, "/v1/flows?dry_run=true", { token: limited, body: flow("FBTC") })).status).toBe(
      403,
    );
    expect((await api(target, "/v1/flows?dry_run=true", { token: revoked, body: flow("IBIT") })).status).toBe(
      401,
    );
  });

  it("refuses a database that is not empty, writing nothing", async () => {
    const state = await manifest(target);
    await expect(
      runRestore({ file: plain, api: target.url, token: TEST_ADMIN_TOKEN, stderr: quiet }),
    ).rejects.toThrow(
      /is not empty \(funds \d+, .*\); nothing was written\. Restore only into an empty database/,
    );
    expect(await manifest(target)).toEqual(state);
  });

  it("says where an interrupted restore stopped, and resumes it there", async () => {
    const { header, batches } = await verifyBackup(plain);
    const failAt = 5;
    const sent: number[] = [];
    let stored = 0;
    let failing = true;
    const answer = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    // The API as a restore sees it, failing batch 5 once the way a refused batch fails.
    const fake = (async (url: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(url)).pathname;
      const body = init?.body ? JSON.parse(String(init.body)) : {};
      if (path === "/v1/admin/backup") {
        return answer(200, {
          ...(await manifest(target)),
          migrations: header.migrations,
          empty: true,
          restore: null,
        });
      }
      if (path === "/v1/admin/restore/begin") {
        return answer(200, { restore: "r", next: stored, batches, resumed: stored > 0 });
      }
      if (path === "/v1/admin/restore/batch") {
        sent.push(body.seq);
        if (body.seq === failAt && failing) {
          failing = false;
          return answer(422, {
            status: 422,
            detail: "Batch 5 (revisions) was refused whole: UNIQUE constraint failed: revisions.id.",
          });
        }
        stored = body.seq + 1;
        return answer(200, { stored: body.rows.length, next: stored });
      }
      if (path === "/v1/admin/restore/finish")
        return answer(200, { data_version: header.data_version, funds: 3 });
      return answer(200, { remaining: 0, busy: false });
    }) as typeof fetch;
    const options = { file: plain, api: "http://fake.test", token: "t", stderr: quiet, fetch: fake };
    const stopped = runRestore(options);
    await expect(stopped).rejects.toThrow(RestoreStopped);
    await expect(stopped).rejects.toThrow(
      /^restore stopped at batch 5 of \d+ \(\w+, rows \d+-\d+ of \d+\): 422: Batch 5 \(revisions\) was refused whole: UNIQUE constraint failed: revisions\.id\.\nBatches 0 to 4 are stored \(meta, assets, .* complete.*\); none of batch 5\. http:\/\/fake\.test is not empty now, .* Run the same command again to resume at batch 5/,
    );
    expect(sent).toEqual([0, 1, 2, 3, 4, 5]);
    sent.length = 0;
    const resumed = await runRestore(options);
    expect(resumed).toMatchObject({ skipped: 5, dataVersion: header.data_version });
    expect(sent).toEqual(Array.from({ length: batches - 5 }, (_, index) => index + 5));
  });

  it("runs as npm run backup and npm run restore -- --check", async () => {
    const file = path.join(dir, "cli.ndjson.gz");
    const env = { ...process.env, AUMFLOW_API: source.url, AUMFLOW_TOKEN: TEST_ADMIN_TOKEN };
    const run = promisify(execFile);
    const backedUp = await run(process.execPath, ["scripts/backup.ts", file], { cwd: root, env });
    expect(backedUp.stdout).toMatch(
      /^backup: .*cli\.ndjson\.gz \(\d+ bytes\), data_version \d+, migration \d{4}_/,
    );
    expect(backedUp.stderr).toMatch(/rows/);
    const checked = await run(process.execPath, ["scripts/restore.ts", file, "--check"], { cwd: root, env });
    expect(checked.stdout).toMatch(/is whole \(\d+ batches to send\); nothing written/);
    const header = splitHeader(readFileSync(plain, "utf8").split("\n")[0] as string);
    expect(header).not.toBeNull();
  });
});
