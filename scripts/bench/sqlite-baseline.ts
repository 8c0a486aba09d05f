// The hardware's own limit for ingest: the same flow rows bulk-inserted into a bare SQLite file with
// the same schema and indexes (every migration applied), one prepared statement in one transaction.
// node:sqlite ships with Node 22, so the baseline needs no native build.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowInput } from "../../shared/import/types.ts";

export interface SqliteFigures {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  sqliteVersion: string;
}

type Sqlite = typeof import("node:sqlite");

/** node:sqlite warns that it is experimental on first load; the bench output has no use for that. */
async function loadSqlite(): Promise<Sqlite> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("SQLite")) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
}

export function migrationSql(root = "migrations"): string[] {
  return readdirSync(root)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => readFileSync(path.join(root, file), "utf8"));
}

/** Best of `runs` fresh databases: the baseline should be the machine at its best. */
export async function bareSqliteInsert(flows: readonly FlowInput[], runs = 3): Promise<SqliteFigures> {
  const { DatabaseSync } = await loadSqlite();
  let best = Number.POSITIVE_INFINITY;
  let version = "";
  for (let run = 0; run < runs; run++) {
    const dir = mkdtempSync(path.join(tmpdir(), "aumflow-bench-sqlite-"));
    const db = new DatabaseSync(path.join(dir, "bare.sqlite"));
    try {
      for (const sql of migrationSql()) db.exec(sql);
      version = String((db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v);
      const insert = db.prepare(
        `INSERT INTO flows (fund, date, source, net_flow_usd, units, status, recorded_at, request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const recordedAt = new Date().toISOString();
      const started = performance.now();
      db.exec("BEGIN");
      for (const flow of flows) {
        insert.run(
          flow.fund,
          flow.date,
          flow.source ?? "admin",
          flow.net_flow_usd,
          flow.units ?? null,
          flow.status,
          recordedAt,
          "bench",
        );
      }
      db.exec("COMMIT");
      best = Math.min(best, performance.now() - started);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    rows: flows.length,
    ms: best,
    rowsPerSecond: Math.round((flows.length / best) * 1000),
    sqliteVersion: version,
  };
}
