// Concurrency: 20 writers post overlapping batches and restatements of the same keys at once, into the
// same Worker. Afterwards every accepted write is in the ledger exactly once, the revision log explains
// every value, nothing refused left a trace, and the derived figures equal a full rebuild.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, derivedRows, freshTicker, fullRecompute, json, putFund } from "../helpers/api.ts";
import { createToken } from "../helpers/security.ts";

const WRITERS = 20;
const ROUNDS = 3;
const DAYS = ["2024-01-11", "2024-01-12", "2024-01-16", "2024-01-17", "2024-01-18"];
const SOURCES = ["farside", "issuer"];
const funds = [freshTicker("C"), freshTicker("C"), freshTicker("C")];

interface Sent {
  writer: number;
  path: string;
  field: "flows" | "prices" | "holdings";
  rows: Record<string, string>[];
  token: string;
  idempotencyKey?: string;
}

interface Answer {
  sent: Sent;
  status: number;
  replayed: boolean;
  body: { inserted?: number; restated?: number; unchanged?: number };
}

/** Every value carries its writer's number, so each stored value names the request that brought it. */
function batchFor(writer: number, tokens: string[]): fc.Arbitrary<Sent> {
  const token = tokens[writer % tokens.length] as string;
  const flowKeys = funds.flatMap((fund) =>
    DAYS.flatMap((date) => SOURCES.map((source) => ({ fund, date, source }))),
  );
  const flows = fc.shuffledSubarray(flowKeys, { minLength: 6, maxLength: 12 }).map(
    (keys): Sent => ({
      writer,
      path: "/v1/flows",
      field: "flows",
      token,
      rows: keys.map((key, index) => ({ ...key, net_flow_usd: `${writer * 1000 + index}.${writer % 10}5` })),
    }),
  );
  const prices = fc.shuffledSubarray(DAYS, { minLength: 2, maxLength: 5 }).map(
    (dates): Sent => ({
      writer,
      path: "/v1/prices",
      field: "prices",
      token,
      rows: dates.map((date, index) => ({
        asset: "BTC",
        date,
        close_usd: `${40_000 + writer * 10 + index}.50000000`,
        source: "feed",
      })),
    }),
  );
  const holdings = fc.shuffledSubarray(funds, { minLength: 1, maxLength: 3 }).map(
    (tickers): Sent => ({
      writer,
      path: "/v1/holdings",
      field: "holdings",
      token,
      rows: tickers.map((fund) => ({
        fund,
        date: "2024-01-12",
        units: `${500 + writer}.25000000`,
        source: "custodian",
      })),
    }),
  );
  return fc.oneof(
    { weight: 4, arbitrary: flows },
    { weight: 1, arbitrary: prices },
    { weight: 1, arbitrary: holdings },
  );
}

const KEY_COLUMNS = {
  flows: {
    table: "flows",
    entity: "flow",
    key: "fund || '|' || date || '|' || source",
    value: "net_flow_usd",
  },
  prices: {
    table: "price_marks",
    entity: "price",
    key: "asset || '|' || date || '|' || source",
    value: "close_usd",
  },
  holdings: {
    table: "holdings_marks",
    entity: "holding",
    key: "fund || '|' || date || '|' || source",
    value: "units",
  },
} as const;

let tokens: string[] = [];

beforeAll(async () => {
  for (const fund of funds) await putFund(fund);
  tokens = [];
  for (let i = 0; i < 5; i++) tokens.push((await createToken()).token);
  const seed = await json("/v1/prices", {
    body: {
      prices: ["2024-01-10", ...DAYS].map((date) => ({
        asset: "BTC",
        date,
        close_usd: "42000.00",
        source: "feed",
      })),
    },
  });
  expect(seed.status).toBe(200);
});

async function send(sent: Sent): Promise<Answer> {
  const headers: Record<string, string> = sent.idempotencyKey
    ? { "idempotency-key": sent.idempotencyKey }
    : {};
  const response = await call(sent.path, { token: sent.token, headers, body: { [sent.field]: sent.rows } });
  const text = await response.text();
  return {
    sent,
    status: response.status,
    replayed: response.headers.get("idempotent-replayed") === "true",
    body: JSON.parse(text),
  };
}

describe("20 concurrent writers", () => {
  it("store every accepted write exactly once, explain every value, and derive what a rebuild derives", async () => {
    const versionBefore = Number((await json<{ data_version: number }>("/v1/health")).body.data_version);
    const revisionsBefore = Number(await env.DB.prepare("SELECT MAX(id) AS id FROM revisions").first("id"));
    const accepted: Answer[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batches: Sent[] = [];
      for (let writer = 0; writer < WRITERS - 3; writer++) {
        const [batch] = fc.sample(batchFor(round * 100 + writer, tokens), {
          numRuns: 1,
          seed: 4200 + round * 100 + writer,
        });
        batches.push(batch as Sent);
      }
      // Four writers send one batch with one Idempotency-Key at the same moment: it is stored once.
      const shared = batches[0] as Sent;
      shared.idempotencyKey = `same-batch-${round}`;
      for (let copy = 0; copy < 3; copy++) batches.push({ ...shared });
      expect(batches.length).toBe(WRITERS);

      const answers = await Promise.all(batches.map(send));

      for (const answer of answers) expect([200, 409], JSON.stringify(answer.body)).toContain(answer.status);
      const executed = answers.filter(
        (answer) => answer.sent.idempotencyKey && answer.status === 200 && !answer.replayed,
      );
      expect(executed.length, "one of the requests with the same key ran").toBe(1);
      const fresh = answers.filter((answer) => answer.status === 200 && !answer.replayed);
      expect(fresh.length).toBe(WRITERS - 3);
      accepted.push(...fresh);
    }

    // Every row of an accepted batch brought a value no other batch sent, so each became exactly one
    // revision and one ledger row; the counts each writer was told add up.
    for (const answer of accepted) {
      expect((answer.body.inserted ?? 0) + (answer.body.restated ?? 0)).toBe(answer.sent.rows.length);
      expect(answer.body.unchanged).toBe(0);
      const { table, entity, key, value } = KEY_COLUMNS[answer.sent.field];
      for (const row of answer.sent.rows) {
        const rowKey =
          answer.sent.field === "prices"
            ? `BTC|${row.date}|${row.source}`
            : `${row.fund}|${row.date}|${row.source}`;
        const stored = await env.DB.prepare(
          `SELECT COUNT(*) AS n FROM ${table} WHERE ${key} = ? AND ${value} = ?`,
        )
          .bind(rowKey, row[value === "close_usd" ? "close_usd" : value])
          .first<number>("n");
        expect(stored, `${rowKey} = ${row[value]}`).toBe(1);
        const revised = await env.DB.prepare(
          `SELECT COUNT(*) AS n FROM revisions WHERE entity = ? AND key = ? AND new_value ->> '$.${value}' = ?`,
        )
          .bind(entity, rowKey, row[value])
          .first<number>("n");
        expect(revised, `revision of ${rowKey} = ${row[value]}`).toBe(1);
      }
    }
    const changed = accepted.reduce(
      (sum, answer) => sum + (answer.body.inserted ?? 0) + (answer.body.restated ?? 0),
      0,
    );
    const newRevisions = Number(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM revisions WHERE id > ?")
        .bind(revisionsBefore)
        .first("n"),
    );
    expect(newRevisions, "no revision without an accepted row").toBe(changed);
    const versionAfter = Number((await json<{ data_version: number }>("/v1/health")).body.data_version);
    expect(versionAfter - versionBefore, "data_version moved once per accepted write").toBe(accepted.length);

    for (const { table, entity, key, value } of Object.values(KEY_COLUMNS)) {
      // Each ledger row has its revision (same request, key and value), and each revision its ledger row.
      const orphans = await env.DB.prepare(
        `SELECT
           (SELECT COUNT(*) FROM ${table} l WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.entity = ?1
              AND r.request_id = l.request_id AND r.key = ${key} AND r.new_value ->> '$.${value}' = l.${value})) AS ledger,
           (SELECT COUNT(*) FROM revisions r WHERE r.entity = ?1 AND NOT EXISTS (SELECT 1 FROM ${table} l
              WHERE l.request_id = r.request_id AND ${key} = r.key)) AS revisions`,
      )
        .bind(entity)
        .first<{ ledger: number; revisions: number }>();
      expect(orphans, table).toEqual({ ledger: 0, revisions: 0 });
      // The revisions of a key form one chain: new, then each old value the previous new value; the
      // latest ledger row holds the last revision's value; no value is appended twice in a row.
      const { results: chains } = await env.DB.prepare(
        `SELECT key, old_value, new_value ->> '$.${value}' AS new_value, old_value ->> '$.${value}' AS old,
                LAG(new_value ->> '$.${value}') OVER (PARTITION BY key ORDER BY id) AS previous,
                ROW_NUMBER() OVER (PARTITION BY key ORDER BY id) AS position
         FROM revisions WHERE entity = ?`,
      )
        .bind(entity)
        .all<{
          key: string;
          old_value: string | null;
          new_value: string;
          old: string | null;
          previous: string | null;
          position: number;
        }>();
      for (const link of chains) {
        if (link.position === 1) expect(link.old_value, link.key).toBeNull();
        else expect(link.old, link.key).toBe(link.previous);
        expect(link.new_value, link.key).not.toBe(link.old);
      }
      const mismatched = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM (SELECT ${key} AS k, ${value} AS v, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY id DESC) AS n FROM ${table}) l
         WHERE l.n = 1 AND l.v IS NOT (SELECT new_value ->> '$.${value}' FROM revisions r WHERE r.entity = ? AND r.key = l.k ORDER BY id DESC LIMIT 1)`,
      )
        .bind(entity)
        .first<number>("n");
      expect(mismatched, `${table}: latest value = last revision`).toBe(0);
    }

    // The feed pages by id or by time: both orders must agree, or a reader paging by time skips rows.
    const outOfOrder = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM (SELECT recorded_at, LAG(recorded_at) OVER (ORDER BY id) AS previous FROM revisions) WHERE recorded_at < previous",
    ).first<number>("n");
    expect(outOfOrder, "revisions recorded out of time order").toBe(0);
    const settled = await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue").first<number>("n");
    expect(settled, "every write settled its derived figures").toBe(0);
    const incremental = await derivedRows();
    expect(incremental.funds.length).toBeGreaterThan(0);
    await fullRecompute();
    const rebuilt = await derivedRows();
    expect(rebuilt.funds).toEqual(incremental.funds);
    expect(rebuilt.groups).toEqual(incremental.groups);
    const daily = await call(`/v1/funds/${funds[0]}/daily?from=2024-01-11&to=2024-01-18`);
    expect(daily.status).toBe(200);
  }, 120_000);
});
