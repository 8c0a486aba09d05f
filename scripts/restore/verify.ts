// The check of a backup file before anything is written: both checksums of its header, its length,
// every line's shape and every table's row count. A corrupted or truncated file is refused, saying
// what is wrong, with the database untouched.

import { BACKUP_FORMAT, BACKUP_VERSION } from "../../shared/backup.ts";
import { type Header, sha256Hex, splitHeader } from "../backup/header.ts";
import { BatchPlan } from "./batches.ts";
import { BackupFileError, type Scanned, scan } from "./read.ts";

export interface Verified {
  header: Header;
  batches: number;
  rows: number;
}

/** The header, if the line is one this tool reads and its own checksum holds. */
function readHeader(file: string, line: string): Header {
  const parts = splitHeader(line);
  if (!parts) throw new BackupFileError(`${file} is not an aumflow backup, or its header line is corrupted`);
  if (sha256Hex(parts.before) !== parts.sha256) {
    throw new BackupFileError(`${file} is corrupted: its header does not match the header's checksum`);
  }
  const header = JSON.parse(line) as Header;
  if (header.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION) {
    throw new BackupFileError(
      `${file} is ${header.format} version ${header.version}; this tool reads ${BACKUP_FORMAT} version ${BACKUP_VERSION}`,
    );
  }
  return header;
}

/**
 * Reads the whole file and checks it: the header's checksum, the length and SHA-256 of everything
 * after it, every table line in the header's order with its columns, every row of the right width,
 * every table's count. Throws BackupFileError, saying what is wrong, on the first failed check.
 */
export async function verifyBackup(file: string): Promise<Verified> {
  let header: Header | undefined;
  let table: { name: string; columns: string[] } | undefined;
  let tableIndex = -1;
  const counts = new Map<string, number>();
  let problem: string | null = null;
  let lineNumber = 1;
  const plan = new BatchPlan();
  const fail = (message: string) => {
    problem ??= `line ${lineNumber}: ${message}`;
  };
  let scanned: Scanned;
  try {
    scanned = await scan(
      file,
      (line) => {
        header = readHeader(file, line);
      },
      (line, bytes) => {
        lineNumber += 1;
        if (!header || problem) return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return fail("not JSON");
        }
        if (Array.isArray(value)) {
          if (!table) return fail("a row before any table");
          if (value.length !== table.columns.length)
            return fail(`a row of ${value.length} values in ${table.name}`);
          counts.set(table.name, (counts.get(table.name) ?? 0) + 1);
          plan.add(table.name, bytes);
          return;
        }
        const named = value as { table?: unknown; columns?: unknown };
        tableIndex += 1;
        const expected = header.tables[tableIndex];
        if (!expected || named.table !== expected.name)
          return fail(`table ${String(named.table)} out of order`);
        if (JSON.stringify(named.columns) !== JSON.stringify(expected.columns)) {
          return fail(`the columns of ${expected.name} differ from the header's`);
        }
        table = expected;
      },
    );
  } catch (error) {
    throw fileErrorOf(file, error);
  }
  const found = header as Header | undefined;
  if (!found) throw new BackupFileError(`${file} is not an aumflow backup (no header line)`);
  checkContent(file, found, scanned);
  if (problem) throw new BackupFileError(`${file} is malformed at ${problem}`);
  checkTables(file, found, counts, tableIndex + 1);
  return { header: found, batches: plan.count, rows: [...counts.values()].reduce((sum, n) => sum + n, 0) };
}

/** A failure to read the file, said as what it means for the file when it is the file's fault. */
function fileErrorOf(file: string, error: unknown): unknown {
  if (error instanceof BackupFileError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOENT") return new BackupFileError(`${file} does not exist`);
  if (code.startsWith("Z_") || /unexpected end of file|incorrect header check|invalid/i.test(String(error))) {
    return new BackupFileError(`${file} is truncated or corrupted (gzip: ${(error as Error).message})`);
  }
  return error;
}

/** The bytes after the header: as many as it promises, with its checksum, ending in a line break. */
function checkContent(file: string, header: Header, scanned: Scanned): void {
  if (scanned.bytes < header.bytes) {
    throw new BackupFileError(
      `${file} is truncated: it holds ${scanned.bytes} of the ${header.bytes} bytes its header promises`,
    );
  }
  if (scanned.bytes > header.bytes) {
    throw new BackupFileError(
      `${file} is corrupted: it holds ${scanned.bytes} bytes, its header says ${header.bytes}`,
    );
  }
  if (scanned.sha256 !== header.content_sha256) {
    throw new BackupFileError(
      `${file} is corrupted: its content does not match its checksum (sha256 ${scanned.sha256}, the header says ${header.content_sha256})`,
    );
  }
  if (scanned.trailing > 0) throw new BackupFileError(`${file} is truncated: its last line is cut short`);
}

/** Every table the header names, present with the rows it counts. */
function checkTables(file: string, header: Header, counts: Map<string, number>, tablesFound: number): void {
  for (const expected of header.tables) {
    const rows = counts.get(expected.name) ?? 0;
    if (rows !== expected.rows) {
      throw new BackupFileError(
        `${file} is corrupted: ${expected.name} has ${rows} rows, the header says ${expected.rows}`,
      );
    }
  }
  if (tablesFound !== header.tables.length) {
    throw new BackupFileError(`${file} is truncated: ${header.tables.length - tablesFound} table(s) missing`);
  }
}
