// What a backup holds: every table of the ledger and the settings that go with it, in the order a
// restore writes them (an asset before the funds that hold it). Derived tables are left out: a restore
// recomputes them from the ledger, as `npm run recompute` does.
//
// Table and column names reach SQL only from this list and from the database's own schema (PRAGMA
// table_info), never from a request.
import { META } from "../db/meta.ts";

/** The meta row holding a restore in progress (functions/backup/restore.ts). */
export const RESTORE_KEY = "restore";

export interface BackupTable {
  name: string;
  /** The primary key, in the order pages are read. */
  key: readonly string[];
  /**
   * Rows the migrations insert themselves (the default assets, the meta counters): a restore overwrites
   * them instead of inserting them again.
   */
  seeded?: boolean;
}

export const BACKUP_TABLES: readonly BackupTable[] = [
  { name: "meta", key: ["key"], seeded: true },
  { name: "assets", key: ["symbol"], seeded: true },
  { name: "funds", key: ["ticker"] },
  { name: "ticker_aliases", key: ["alias"] },
  { name: "source_ranks", key: ["subject", "source"] },
  { name: "api_tokens", key: ["id"] },
  { name: "price_marks", key: ["id"] },
  { name: "flows", key: ["id"] },
  { name: "holdings_marks", key: ["id"] },
  { name: "corporate_actions", key: ["id"] },
  { name: "revisions", key: ["id"] },
];

/** Every other table of the database, and why a backup does not hold it. */
export const NOT_BACKED_UP: Readonly<Record<string, string>> = {
  fund_days: "derived: recomputed from the ledger after a restore",
  aggregate_days: "derived: recomputed from the ledger after a restore",
  fund_day_versions: "derived: stamped again by the recompute after a restore",
  recompute_queue: "derived: a restore queues every fund",
  idempotency_keys: "retry records kept 48 hours; a restored deployment starts without them",
  d1_migrations: "the schema level, recorded in the backup's header and checked by a restore",
};

/**
 * Keys of meta that describe this database's derived state or work in progress, not the ledger: a
 * backup leaves them out and a restore sets them itself. data_version is backed up but written last,
 * when the restore finishes, so no read caches a half-restored state under the restored version.
 */
export const META_NOT_BACKED_UP = [META.recomputeLease, META.aggregatesStaleFrom, RESTORE_KEY];
export const META_WRITTEN_AT_FINISH = [META.dataVersion];

/** The tables whose rows make a database non-empty (meta and the seeded assets exist from the start). */
export const DATA_TABLES = BACKUP_TABLES.filter((table) => !table.seeded).map((table) => table.name);

export function backupTable(name: string): BackupTable | undefined {
  return BACKUP_TABLES.find((table) => table.name === name);
}

export const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A table's columns in their stored order. */
export async function columnsOf(db: D1Database, table: BackupTable): Promise<string[]> {
  const { results } = await db
    .prepare(`PRAGMA table_info(${quoted(table.name)})`)
    .all<{ name: string; cid: number }>();
  return results.sort((a, b) => a.cid - b.cid).map((column) => column.name);
}

/** Rows a table contributes to a backup (meta without its derived keys). */
export function rowFilter(table: BackupTable): string {
  if (table.name !== "meta") return "true";
  return `key NOT IN (${META_NOT_BACKED_UP.map((key) => `'${key}'`).join(", ")})`;
}

/** The migrations applied, in order: a backup can only be restored at the same level. */
export async function appliedMigrations(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
  return results.map((row) => row.name);
}
