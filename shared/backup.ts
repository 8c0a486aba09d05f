// The backup's wire format: what POST /v1/admin/backup and /v1/admin/backup/{table} answer. One
// definition for the Worker that serves it (functions/backup/read.ts) and the tools that write and
// read backup files (scripts/backup.ts, scripts/restore.ts).

export const BACKUP_FORMAT = "aumflow-backup";
export const BACKUP_VERSION = 1;
/** The most rows one page read may ask for. */
export const MAX_PAGE_ROWS = 10_000;

export type Cell = string | number | null;

export interface TableManifest {
  name: string;
  columns: string[];
  key: string[];
  rows: number;
}

/** How far a restore in progress has got (functions/backup/restore.ts keeps it in meta). */
export interface RestoreProgress {
  sha256: string;
  next: number;
  batches: number;
  data_version: number;
  started_at: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  migrations: string[];
  data_version: number;
  tables: TableManifest[];
  /** No ledger row, no fund, no token, data_version 0: a restore may write here. */
  empty: boolean;
  restore: RestoreProgress | null;
}

export interface Page {
  table: string;
  columns: string[];
  rows: Cell[][];
  /** The key of the last row, to pass as `after` for the next page; null after the last page. */
  next: Cell[] | null;
}
