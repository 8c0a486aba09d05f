// The read side of a backup: a manifest (schema level, columns and row counts of every table), then each
// table a page at a time in primary-key order. A page is one bounded query, so the Worker holds one page,
// never the ledger; `npm run backup` (scripts/backup.ts) writes the pages to a file as they come.
import { readDataVersion } from "../db/meta.ts";
import { type RestoreState, readRestore } from "./restore.ts";
import {
  appliedMigrations,
  BACKUP_TABLES,
  type BackupTable,
  columnsOf,
  DATA_TABLES,
  quoted,
  rowFilter,
} from "./tables.ts";

export const BACKUP_FORMAT = "aumflow-backup";
export const BACKUP_VERSION = 1;
export const MAX_PAGE_ROWS = 10_000;

export type Cell = string | number | null;

export interface TableManifest {
  name: string;
  columns: string[];
  key: string[];
  rows: number;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  migrations: string[];
  data_version: number;
  tables: TableManifest[];
  /** No ledger row, no fund, no token, data_version 0: a restore may write here. */
  empty: boolean;
  restore: Omit<RestoreState, "id" | "counts"> | null;
}

/** Row counts of every backed-up table, in one statement (one consistent read). */
export async function countRows(db: D1Database): Promise<Record<string, number>> {
  const counts = BACKUP_TABLES.map(
    (table) =>
      `(SELECT COUNT(*) FROM ${quoted(table.name)} WHERE ${rowFilter(table)}) AS ${quoted(table.name)}`,
  );
  const row = await db.prepare(`SELECT ${counts.join(", ")}`).first<Record<string, number>>();
  return row ?? {};
}

export async function readManifest(db: D1Database): Promise<Manifest> {
  const [migrations, counts, dataVersion, restore, columns] = await Promise.all([
    appliedMigrations(db),
    countRows(db),
    readDataVersion(db),
    readRestore(db),
    Promise.all(BACKUP_TABLES.map((table) => columnsOf(db, table))),
  ]);
  const tables = BACKUP_TABLES.map((table, index) => ({
    name: table.name,
    columns: columns[index] ?? [],
    key: [...table.key],
    rows: counts[table.name] ?? 0,
  }));
  const empty = dataVersion === 0 && DATA_TABLES.every((name) => (counts[name] ?? 0) === 0);
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    migrations,
    data_version: dataVersion,
    tables,
    empty,
    restore: restore && {
      sha256: restore.sha256,
      next: restore.next,
      batches: restore.batches,
      data_version: restore.data_version,
      started_at: restore.started_at,
    },
  };
}

export interface Page {
  table: string;
  columns: string[];
  rows: Cell[][];
  /** The key of the last row, to pass as `after` for the next page; null after the last page. */
  next: Cell[] | null;
}

/** Up to `limit` rows of `table` whose key comes after `after` (from the first row when null). */
export async function readPage(
  db: D1Database,
  table: BackupTable,
  after: readonly Cell[] | null,
  limit: number,
): Promise<Page> {
  const columns = await columnsOf(db, table);
  const keys = table.key.map(quoted).join(", ");
  const bounds = after ? `(${keys}) > (${after.map((_, index) => `?${index + 2}`).join(", ")})` : "true";
  const sql = `SELECT ${columns.map(quoted).join(", ")} FROM ${quoted(table.name)}
    WHERE ${rowFilter(table)} AND ${bounds} ORDER BY ${keys} LIMIT ?1`;
  const rows = await db
    .prepare(sql)
    .bind(limit, ...(after ?? []))
    .raw<Cell[]>();
  const last = rows.at(-1);
  const keyAt = table.key.map((key) => columns.indexOf(key));
  const next = rows.length === limit && last ? keyAt.map((index) => last[index] ?? null) : null;
  return { table: table.name, columns, rows, next };
}
