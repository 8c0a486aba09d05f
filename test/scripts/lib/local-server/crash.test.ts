// Crash: the local server (wrangler dev on a private D1/KV directory) is killed with SIGKILL in the
// middle of a stream of batches, then started again on the same state. Every batch is wholly present
// or wholly absent; retrying every batch with its Idempotency-Key completes the stream, each stored
// once; and a full recompute of the derived figures changes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  applyLocalMigrations,
  type LocalServer,
  startLocalServer,
} from "../../../../scripts/lib/local-server.ts";
import { freePort } from "../../../../scripts/lib/processes.ts";

const ADMIN = "crash-test-admin-token";
const FUNDS = ["CRA", "CRB", "CRC"];
const BATCHES = 40;
const IN_FLIGHT = 6;
/** Answers to wait for before the kill: the rest of the stream is in flight or not sent yet. */
const KILL_AFTER = 10;

const persistTo = mkdtempSync(join(tmpdir(), "aumflow-crash-"));
let server: LocalServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

/** Trading days of XNAS from 2024-02-01 on (weekdays without the February holiday). */
function tradingDays(count: number): string[] {
  const days: string[] = [];
  for (let time = Date.UTC(2024, 1, 1); days.length < count; time += 86_400_000) {
    const date = new Date(time);
    const iso = date.toISOString().slice(0, 10);
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6 && iso !== "2024-02-19") days.push(iso);
  }
  return days;
}
const DAYS = tradingDays(30);

interface Batch {
  key: string;
  source: string;
  rows: { fund: string; date: string; net_flow_usd: string; source: string }[];
}

/** Batch i has its own source, so its rows are its own keys: present or absent can be told apart. */
function batch(index: number): Batch {
  const source = `stream-${index}`;
  const days = DAYS.slice(0, 5 + (index % 4) * 6);
  const rows = FUNDS.flatMap((fund, f) =>
    days.map((date, d) => ({
      fund,
      date,
      net_flow_usd: `${index * 10_000 + f * 100 + d}.${String(index % 100).padStart(2, "0")}`,
      source,
    })),
  );
  return { key: `crash-batch-${index}`, source, rows };
}

async function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.key) headers["idempotency-key"] = init.key;
  const response = await fetch(`${server?.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Retries while the server answers "later" (409 in flight, 503 recompute busy). */
async function untilSettled(path: string, init: Parameters<typeof api>[1] = {}) {
  for (let attempt = 0; attempt < 90; attempt++) {
    const answer = await api(path, init);
    if (answer.status !== 409 && answer.status !== 503) return answer;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${path} stayed busy`);
}

async function start(port: number) {
  server = await startLocalServer({ port, persistTo, vars: { ADMIN_TOKEN: ADMIN } });
}

/** The ledger rows of a batch now on record: all of them, or none. */
async function storedRows(source: string): Promise<number> {
  const answer = await untilSettled(`/v1/flows?source=${source}`);
  expect(answer.status).toBe(200);
  return (answer.body as { flows: unknown[] }).flows.length;
}

async function derived() {
  const funds = [];
  for (const fund of FUNDS) funds.push((await untilSettled(`/v1/funds/${fund}/daily`)).body);
  const total = (await untilSettled("/v1/aggregate?by=total")).body;
  return { funds, total };
}

it("keeps every batch whole across a SIGKILL, and retries complete the stream exactly once", async () => {
  const port = await freePort();
  expect(port).toBeGreaterThanOrEqual(20_000);
  await applyLocalMigrations(persistTo);
  await start(port);
  for (const fund of FUNDS) {
    const put = await api(`/v1/funds/${fund}`, {
      method: "PUT",
      body: {
        name: `Crash ${fund}`,
        issuer: "Crash Test",
        asset: "BTC",
        vehicle: "spot_etf",
        country: "US",
        exchange: "XNAS",
        listed_on: "2024-02-01",
        fee_bps: 20,
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const prices = DAYS.map((date, i) => ({ asset: "BTC", date, close_usd: `${43_000 + i * 100}.00` }));
  expect((await api("/v1/prices", { body: { prices } })).status).toBe(200);

  // The stream: IN_FLIGHT batches at a time; the process group dies after KILL_AFTER answers.
  const batches = Array.from({ length: BATCHES }, (_, index) => batch(index));
  const acknowledged = new Set<number>();
  let next = 0;
  let killed = false;
  const kill = () => {
    if (killed || !server?.process.pid) return;
    killed = true;
    process.kill(-server.process.pid, "SIGKILL");
  };
  const lane = async () => {
    while (!killed && next < batches.length) {
      const index = next++;
      const { key, rows } = batches[index] as Batch;
      try {
        const answer = await api("/v1/flows", { body: { flows: rows }, key });
        if (answer.status === 200) acknowledged.add(index);
      } catch {
        // the server died with this batch in flight
      }
      if (acknowledged.size >= KILL_AFTER) kill();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  expect(killed).toBe(true);
  await new Promise<void>((resolve) => {
    if (server?.process.exitCode !== null || server?.process.signalCode !== null) resolve();
    else server.process.once("exit", () => resolve());
  });
  const sent = next;
  expect(sent).toBeLessThan(BATCHES);

  await start(await freePort());
  const before: number[] = [];
  for (const [index, { source, rows }] of batches.entries()) {
    const count = await storedRows(source);
    expect([0, rows.length], `batch ${index}: ${count} of ${rows.length} rows`).toContain(count);
    if (acknowledged.has(index)) expect(count, `acknowledged batch ${index}`).toBe(rows.length);
    if (index >= sent) expect(count, `unsent batch ${index}`).toBe(0);
    before.push(count);
  }

  // Retry every batch with its key until it is stored: a stored one is replayed, never stored twice.
  for (const [index, { key, rows }] of batches.entries()) {
    const answer = await untilSettled("/v1/flows", { body: { flows: rows }, key });
    expect(answer.status, `batch ${index}: ${JSON.stringify(answer.body)}`).toBe(200);
    const replayed = answer.headers.get("idempotent-replayed") === "true";
    expect(replayed, `batch ${index} was ${before[index] ? "stored" : "absent"}`).toBe(
      before[index] === rows.length,
    );
    expect(answer.body.inserted, `batch ${index}`).toBe(rows.length);
  }
  for (const [index, { source, rows }] of batches.entries())
    expect(await storedRows(source), `batch ${index}`).toBe(rows.length);
  const revisions = await untilSettled("/v1/revisions?entity=flow&limit=10000");
  const keys = (revisions.body as { revisions: { key: string }[] }).revisions.map((revision) => revision.key);
  expect(keys.length).toBe(batches.reduce((sum, { rows }) => sum + rows.length, 0));
  expect(new Set(keys).size, "each row stored once").toBe(keys.length);

  const incremental = await derived();
  expect((await untilSettled("/v1/admin/recompute", { method: "POST" })).status).toBe(200);
  for (let round = 0; ; round++) {
    const settle = await untilSettled("/v1/admin/settle?max_funds=10", { method: "POST" });
    expect(settle.status).toBe(200);
    if (settle.body.remaining === 0) break;
    expect(round).toBeLessThan(50);
  }
  expect(await derived()).toEqual(incremental);
}, 300_000);
