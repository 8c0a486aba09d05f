// The read side of a backup: a manifest (schema level, columns and row counts of every table), then each
// table a page at a time in primary-key order. A page is one bounded query, so the Worker holds one page,
// never the ledger; `npm run backup` (scripts/backup.ts) writes the pages to a file as they come. The
// wire format is shared/backup.ts.
import { BACKUP_FORMAT, BACKUP_VERSION, type Cell, type Manifest, type Page } from "../../shared/backup.ts";
import { readDataVersion } from "../db/meta.ts";
import { readRestore } from "./restore.ts";
import {
  appliedMigrations,
  BACKUP_TABLES,
  type BackupTable,
  columnsOf,
  DATA_TABLES,
  quoted,
  rowFilter,
} from "./tables.ts";

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
