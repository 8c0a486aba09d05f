// Backup and restore through the admin endpoints, in workerd with real D1: every table of the ledger
// read page by page, the database wiped (a fresh D1 with the migrations applied), the backup restored
// in batches and the derived figures recomputed, then every stored row and every read compared.
import { applyD1Migrations, env, reset } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_TABLES, NOT_BACKED_UP, quoted, rowFilter } from "../../../functions/backup/tables.ts";
import type { Manifest, Page } from "../../../shared/backup.ts";
import { withoutComputeStamps } from "../../helpers/reads.ts";
import { call, derivedRows, FUND, json, putFund, settleAll } from "../helpers/api.ts";
import { storageChecksum } from "../helpers/security.ts";

type Cell = string | number | null;
interface Backup {
  manifest: Manifest;
  tables: Map<string, { columns: string[]; rows: Cell[][] }>;
}

const IBIT = "BIBIT";
const FBTC = "BFBTC";
const FORMER = "BOLD";
let limitedToken = "";
let revokedToken = "";
/** A moment between the first flows and their restatement: the as_of views must show the old values. */
let between = "";

async function ok(path: string, body?: unknown, method?: string): Promise<unknown> {
  const answer = await json(path, { ...(body !== undefined && { body }), ...(method && { method }) });
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  return answer.body;
}

async function seed() {
  await putFund(IBIT);
  await putFund(FBTC, { name: "Fidelity Wise Origin Bitcoin Fund", issuer: "Fidelity", exchange: "BATS" });
  const days = ["2024-01-11", "2024-01-12", "2024-01-16", "2024-01-17", "2024-01-18"];
  await ok("/v1/prices", {
    prices: days.map((date, i) => ({ asset: "BTC", date, close_usd: `${46000 + i * 250}.5` })),
  });
  await ok("/v1/prices", {
    prices: [{ asset: "BTC", date: "2024-01-12", close_usd: "46100", source: "coingecko" }],
  });
  await ok("/v1/flows", {
    flows: days.flatMap((date, i) => [
      { fund: IBIT, date, net_flow_usd: `${(i + 1) * 1000000}.25`, source: "farside" },
      {
        fund: FBTC,
        date,
        net_flow_usd: `-${i * 500000}.50`,
        units: i === 0 ? undefined : `-${i}.5`,
        source: "farside",
      },
    ]),
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // A restatement, a second source and a figure the public saw before it was recorded.
  await ok("/v1/flows", {
    flows: [{ fund: IBIT, date: "2024-01-12", net_flow_usd: "-7.00", source: "farside" }],
  });
  await ok("/v1/flows", {
    flows: [{ fund: IBIT, date: "2024-01-16", net_flow_usd: "5.00", source: "issuer" }],
    observed_at: "2024-01-16T23:00:00Z",
  });
  await ok("/v1/holdings", { holdings: [{ fund: IBIT, date: "2024-01-17", units: "250.12345678" }] });
  await ok("/v1/events", {
    events: [
      {
        type: "transfer",
        date: "2024-01-17",
        from_fund: IBIT,
        to_fund: FBTC,
        units: "1.5",
        note: "spin-off",
      },
      { type: "ticker_change", fund: FORMER, date: "2024-01-16", new_ticker: FBTC },
      {
        type: "fee_change",
        fund: IBIT,
        date: "2024-01-16",
        fee_bps: 12,
        waiver: { fee_bps: 0, up_to_usd: "5000000000" },
      },
    ],
  });
  await ok(`/v1/sources/${IBIT}`, { sources: ["issuer", "farside"] }, "PUT");
  await ok("/v1/assets/XRP", { name: "XRP", decimals: 6 }, "PUT");
  const limited = (await ok("/v1/tokens", { name: "feed", scopes: ["flows:write"], funds: [IBIT] })) as {
    token: string;
  };
  limitedToken = limited.token;
  const revoked = (await ok("/v1/tokens", { name: "gone", scopes: ["flows:write"] })) as {
    id: string;
    token: string;
  };
  revokedToken = revoked.token;
  await ok(`/v1/tokens/${revoked.id}`, undefined, "DELETE");
  await settleAll();
}

/** The backup as `npm run backup` reads it: the manifest, then each table a page of `limit` rows at a time. */
async function backupThroughApi(limit: number): Promise<Backup> {
  const manifest = (await ok("/v1/admin/backup", undefined, "POST")) as Manifest;
  const tables = new Map<string, { columns: string[]; rows: Cell[][] }>();
  for (const table of manifest.tables) {
    const rows: Cell[][] = [];
    let after: Cell[] | null = null;
    let columns: string[] = [];
    do {
      const query = `limit=${limit}${after ? `&after=${encodeURIComponent(JSON.stringify(after))}` : ""}`;
      const page = (await ok(`/v1/admin/backup/${table.name}?${query}`, undefined, "POST")) as Page;
      rows.push(...page.rows);
      columns = page.columns;
      after = page.next;
    } while (after);
    expect(rows.length, table.name).toBe(table.rows);
    tables.set(table.name, { columns, rows });
  }
  return { manifest, tables };
}

/** Every backed-up row as stored, straight from D1, in key order. */
async function dump(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of BACKUP_TABLES) {
    const { results } = await env.DB.prepare(
      `SELECT * FROM ${quoted(table.name)} WHERE ${rowFilter(table)} ORDER BY ${table.key.map(quoted).join(", ")}`,
    ).all();
    out[table.name] = results;
  }
  return out;
}

async function wipe() {
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}

/** The restore as `npm run restore` sends it: begin, numbered batches of `size` rows per table, finish, settle. */
async function restoreThroughApi(backup: Backup, size: number) {
  const batches = [...backup.tables.entries()].flatMap(([table, { columns, rows }]) =>
    Array.from({ length: Math.ceil(rows.length / size) }, (_, index) => ({
      table,
      columns,
      rows: rows.slice(index * size, (index + 1) * size),
    })),
  );
  const counts = Object.fromEntries(backup.manifest.tables.map((table) => [table.name, table.rows]));
  const begin = (await ok("/v1/admin/restore/begin", {
    sha256: "a".repeat(64),
    migrations: backup.manifest.migrations,
    data_version: backup.manifest.data_version,
    counts,
    batches: batches.length,
  })) as { restore: string; next: number };
  for (const [seq, batch] of batches.entries()) {
    await ok("/v1/admin/restore/batch", { restore: begin.restore, seq, ...batch });
  }
  const finished = await ok("/v1/admin/restore/finish", { restore: begin.restore });
  await settleAll();
  return { begin, finished, batches };
}

const READS = () => [
  "/v1/summary",
  "/v1/funds",
  `/v1/funds/${IBIT}`,
  `/v1/funds/${IBIT}/daily`,
  `/v1/funds/${FBTC}/daily?from=2024-01-12&to=2024-01-18`,
  `/v1/funds/${FORMER}/daily`,
  "/v1/aggregate?by=issuer&period=week",
  "/v1/aggregate?by=total",
  `/v1/flows?fund=${IBIT}`,
  `/v1/flows?fund=${IBIT}&as_of=${between}`,
  `/v1/funds/${IBIT}/daily?as_of=${between}`,
  "/v1/revisions?limit=10000",
  "/v1/revisions?restated=true",
  "/v1/prices?asset=BTC",
  "/v1/export",
];

/** Every read, each under a URL no earlier read used (the isolate's read cache keys on the URL). */
async function reads(tag: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of READS()) {
    const answer = await json<Record<string, unknown>>(`${path}${path.includes("?") ? "&" : "?"}read=${tag}`);
    expect(answer.status, path).toBe(200);
    const { generated_at: _generated, ...body } = answer.body;
    out[path] = withoutComputeStamps(body);
  }
  return out;
}

describe("backup and restore", () => {
  let before: Backup;
  let stored: Record<string, unknown[]>;
  let derived: Awaited<ReturnType<typeof derivedRows>>;
  let answers: Record<string, unknown>;

  beforeAll(async () => {
    await seed();
    before = await backupThroughApi(3);
    stored = await dump();
    derived = await derivedRows();
    answers = await reads("before");
  }, 60_000);

  it("holds every table but the derived ones and the retry records", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    const backedUp = new Set(BACKUP_TABLES.map((table) => table.name));
    const unaccounted = results
      .map((row) => row.name)
      .filter((name) => !backedUp.has(name) && !NOT_BACKED_UP[name]);
    expect(unaccounted).toEqual([]);
    expect(before.manifest.migrations.at(-1)).toMatch(/^\d{4}_/);
    expect(before.manifest.empty).toBe(false);
  });

  it("reads every row with every column, page by page in key order", () => {
    for (const table of BACKUP_TABLES) {
      const read = before.tables.get(table.name);
      const direct = (stored[table.name] ?? []) as Record<string, unknown>[];
      expect(read?.rows.length, table.name).toBe(direct.length);
      const asObjects = read?.rows.map((row) =>
        Object.fromEntries(row.map((cell, i) => [read.columns[i], cell])),
      );
      expect(asObjects, table.name).toEqual(direct);
    }
    const flows = before.tables.get("flows");
    expect(flows?.columns).toEqual(expect.arrayContaining(["observed_at", "recorded_at", "request_id"]));
    const revisions = before.tables.get("revisions");
    expect(revisions?.columns).toEqual(expect.arrayContaining(["recorded_at", "observed_at"]));
    const meta = before.tables.get("meta")?.rows.map((row) => row[0]);
    expect(meta).toContain("data_version");
    expect(meta).not.toContain("recompute_lease");
    const tokens = before.tables.get("api_tokens");
    expect(tokens?.rows.length).toBe(2);
    expect(JSON.stringify(tokens)).not.toContain(limitedToken);
  });

  it("is refused by a database that is not empty, which it leaves as it was", async () => {
    const checksum = await storageChecksum();
    const counts = Object.fromEntries(before.manifest.tables.map((table) => [table.name, table.rows]));
    const answer = await json<{ detail: string }>("/v1/admin/restore/begin", {
      body: {
        sha256: "b".repeat(64),
        migrations: before.manifest.migrations,
        data_version: 1,
        counts,
        batches: 1,
      },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toMatch(
      /^The database is not empty \(funds 2, .*flows \d+.*\): a restore only writes/,
    );
    expect(await storageChecksum()).toBe(checksum);
  });

  it("restores into a fresh database: the same rows and ids, figures, as_of views, revisions and tokens", async () => {
    await wipe();
    const empty = (await ok("/v1/admin/backup", undefined, "POST")) as Manifest;
    expect(empty.empty).toBe(true);
    const { finished, batches } = await restoreThroughApi(before, 4);
    expect(batches.length).toBeGreaterThan(BACKUP_TABLES.length);
    expect(finished).toMatchObject({ data_version: before.manifest.data_version, funds: 2 });

    expect(await dump()).toEqual(stored);
    expect(await derivedRows()).toEqual(derived);
    expect(await reads("after")).toEqual(answers);
    // A backup of the restored database is the same backup.
    const again = await backupThroughApi(1000);
    expect(again.manifest).toEqual(before.manifest);
    expect([...again.tables.entries()]).toEqual([...before.tables.entries()]);

    // Tokens: the limited one writes its fund and only it, the revoked one stays revoked.
    const flow = (fund: string) => ({ flows: [{ fund, date: "2024-01-18", net_flow_usd: "1.00" }] });
    const dryRun = "/v1/flows?dry_run=true";
    expect((await call(dryRun, { token: limitedToken, body: flow(IBIT) })).status).toBe(200);
    expect((await call(dryRun, { token: limitedToken, body: flow(FBTC) })).status).toBe(403);
    expect((await call(dryRun, { token: revokedToken, body: flow(IBIT) })).status).toBe(401);
    // New writes carry on from the restored ids and version.
    const maxId = Number(await env.DB.prepare("SELECT MAX(id) AS id FROM revisions").first("id"));
    const written = await json<{ data_version: number }>("/v1/flows", { body: flow(IBIT) });
    expect(written.body.data_version).toBe(before.manifest.data_version + 1);
    expect(
      Number(
        await env.DB.prepare(
          "SELECT MIN(id) AS id FROM revisions WHERE subject = ? AND date = '2024-01-18' AND source = 'admin'",
        )
          .bind(IBIT)
          .first("id"),
      ),
    ).toBe(maxId + 1);
  });
});

describe("a restore in batches", () => {
  const migrations = async () => ((await ok("/v1/admin/backup", undefined, "POST")) as Manifest).migrations;
  const counts = (overrides: Record<string, number> = {}) => ({
    ...Object.fromEntries(BACKUP_TABLES.map((table) => [table.name, 0])),
    meta: 2,
    assets: 3,
    ...overrides,
  });
  const fund = (ticker: string) => [
    ticker,
    FUND.name,
    FUND.issuer,
    "BTC",
    "spot_etf",
    "US",
    "XNAS",
    "2024-01-11",
    25,
    "2024-01-11T00:00:00.000Z",
    null,
  ];

  it("stores each batch whole and once, refuses one out of order, and resumes the same file", async () => {
    await wipe();
    const columns = ((await ok("/v1/admin/backup", undefined, "POST")) as Manifest).tables.find(
      (table) => table.name === "funds",
    )?.columns as string[];
    const body = {
      sha256: "c".repeat(64),
      migrations: await migrations(),
      data_version: 5,
      counts: counts({ funds: 3 }),
      batches: 3,
    };
    const { restore } = (await ok("/v1/admin/restore/begin", body)) as { restore: string };
    const batch = (seq: number, rows: Cell[][]) => ({ restore, seq, table: "funds", columns, rows });

    expect(await ok("/v1/admin/restore/batch", batch(0, [fund("RA")]))).toEqual({ stored: 1, next: 1 });
    // Sent again (an answer lost on the way): stored once.
    expect(await ok("/v1/admin/restore/batch", batch(0, [fund("RA")]))).toEqual({
      stored: 0,
      next: 1,
      already: true,
    });
    const ahead = await json<{ detail: string }>("/v1/admin/restore/batch", { body: batch(2, [fund("RC")]) });
    expect(ahead.status).toBe(409);
    expect(ahead.body.detail).toBe("Batch 2 is ahead of the restore, which expects batch 1.");

    // A batch the database refuses (the same fund twice) stores nothing of itself, and says so.
    const refused = await json<{ detail: string }>("/v1/admin/restore/batch", {
      body: batch(1, [fund("RB"), fund("RA")]),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(
      /^Batch 1 \(funds\) was refused whole: UNIQUE constraint failed: funds\.ticker\. Batches 0 to 0 are stored/,
    );
    expect(refused.body.detail).not.toMatch(/SQLITE|D1_ERROR/);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM funds").first("n")).toBe(1);

    const early = await json<{ detail: string }>("/v1/admin/restore/finish", { body: { restore } });
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe("Only 1 of 3 batches are stored; send the rest first.");

    // The same file resumes where it stopped; another file is refused.
    expect(await ok("/v1/admin/restore/begin", body)).toEqual({
      restore,
      next: 1,
      batches: 3,
      resumed: true,
    });
    const other = await json<{ detail: string }>("/v1/admin/restore/begin", {
      body: { ...body, sha256: "d".repeat(64) },
    });
    expect(other.status).toBe(409);
    expect(other.body.detail).toMatch(/^Another restore is in progress here .* 1 of 3 batches stored/);

    await ok("/v1/admin/restore/batch", batch(1, [fund("RB")]));
    await ok("/v1/admin/restore/batch", batch(2, [fund("RC")]));
    const finished = await ok("/v1/admin/restore/finish", { restore });
    expect(finished).toMatchObject({ data_version: 5, funds: 3 });
    expect(((await ok("/v1/admin/backup", undefined, "POST")) as Manifest).restore).toBeNull();
  });

  it("checks the migration level and the counts", async () => {
    await wipe();
    const levels = await migrations();
    const wrongLevel = await json<{ detail: string }>("/v1/admin/restore/begin", {
      body: {
        sha256: "e".repeat(64),
        migrations: levels.slice(0, -1),
        data_version: 1,
        counts: counts(),
        batches: 0,
      },
    });
    expect(wrongLevel.status).toBe(409);
    expect(wrongLevel.body.detail).toMatch(
      /^The backup was taken at migration \d{4}_.* \(\d+ applied\); this database is at/,
    );

    const { restore } = (await ok("/v1/admin/restore/begin", {
      sha256: "e".repeat(64),
      migrations: levels,
      data_version: 1,
      counts: counts({ flows: 2 }),
      batches: 0,
    })) as { restore: string };
    const short = await json<{ detail: string }>("/v1/admin/restore/finish", { body: { restore } });
    expect(short.status).toBe(409);
    expect(short.body.detail).toMatch(/^The restored rows do not add up: flows 0 of 2\./);
  });

  it("is for the admin token only", async () => {
    const provider = (await ok("/v1/tokens", { name: "p", scopes: ["flows:write"] })) as { token: string };
    for (const path of ["/v1/admin/backup", "/v1/admin/backup/api_tokens", "/v1/admin/restore/finish"]) {
      expect(
        (await call(path, { method: "POST", token: provider.token, body: { restore: "x" } })).status,
      ).toBe(403);
      expect((await call(path, { method: "POST", token: null, body: { restore: "x" } })).status).toBe(401);
    }
  });
});
