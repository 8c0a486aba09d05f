// `npm run restore -- FILE`: a backup of `npm run backup` into an EMPTY database, through the admin API
// (POST /v1/admin/restore/begin, /batch, /finish), then the derived figures recomputed through
// POST /v1/admin/settle, so every read answers as it did where the backup was taken.
//
// Nothing is written before the whole file has been read and checked: both checksums of its header,
// its length, every line's shape and every table's row count. A corrupted or truncated file is refused
// with the database untouched. Then the rows go in numbered batches, each one transaction that the API
// stores exactly once; an interrupted restore says which batches are stored, and the same command
// resumes it where it stopped.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { createGunzip } from "node:zlib";
import { BACKUP_FORMAT, BACKUP_VERSION, type Cell, type Manifest } from "../shared/backup.ts";
import { type Client, describeFailure, type Header, post, sha256Hex, splitHeader } from "./backup.ts";
import { createProgress, type OutputStream } from "./import/progress.ts";
import { SETTLE_FUNDS_PER_CALL } from "./import/run.ts";
import {
  apiOrDefault,
  DEFAULT_API,
  isMain,
  parseCommandLine,
  runTool,
  tokenOf,
  UsageError,
} from "./lib/cli.ts";

/** Rows per batch, and bytes of their JSON: each batch is one request of at most 5 MiB. */
export const BATCH_ROWS = 5000;
export const BATCH_BYTES = 3_000_000;
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export class BackupFileError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Reading the file.

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

interface Scanned {
  /** Bytes after the header line, and their SHA-256. */
  bytes: number;
  sha256: string;
  /** Bytes after the last line break: a last line cut short. */
  trailing: number;
}

/**
 * Reads the file once (gunzipping when it is gzipped): the header line to `onHeader`, every later line
 * to `onLine`, awaited in order, while hashing the bytes after the header exactly as they are.
 */
async function scan(
  file: string,
  onHeader: (line: string) => void,
  onLine: (line: string, bytes: number) => Promise<void> | void,
): Promise<Scanned> {
  const raw = createReadStream(file);
  let stream: Readable = raw;
  if (await isGzip(file)) {
    const gunzip = createGunzip();
    raw.on("error", (error) => gunzip.destroy(error));
    stream = raw.pipe(gunzip);
  }
  const hash = createHash("sha256");
  let header: Buffer[] | null = [];
  let headerBytes = 0;
  let rest: Buffer = Buffer.alloc(0);
  let bytes = 0;
  for await (const chunk of stream) {
    let data = chunk as Buffer;
    if (header !== null) {
      const end = data.indexOf(0x0a);
      if (end < 0) {
        header.push(data);
        headerBytes += data.length;
        if (headerBytes > MAX_HEADER_BYTES)
          throw new BackupFileError(`${file} is not an aumflow backup (no header line)`);
        continue;
      }
      header.push(data.subarray(0, end));
      onHeader(Buffer.concat(header).toString("utf8"));
      header = null;
      data = data.subarray(end + 1);
    }
    hash.update(data);
    bytes += data.length;
    const buffer = rest.length > 0 ? Buffer.concat([rest, data]) : data;
    let start = 0;
    for (let end = buffer.indexOf(0x0a); end >= 0; end = buffer.indexOf(0x0a, start)) {
      await onLine(buffer.toString("utf8", start, end), end - start + 1);
      start = end + 1;
    }
    rest = buffer.subarray(start);
  }
  if (header !== null) throw new BackupFileError(`${file} is not an aumflow backup (no header line)`);
  return { bytes, sha256: hash.digest("hex"), trailing: rest.length };
}

/** Which rows travel together: at most BATCH_ROWS rows and BATCH_BYTES of one table in a batch. */
class BatchPlan {
  count = 0;
  private table = "";
  private rows = 0;
  private bytes = 0;
  /** Adds a row; true when it opens a new batch. */
  add(table: string, bytes: number): boolean {
    const opens = table !== this.table || this.rows >= BATCH_ROWS || this.bytes + bytes > BATCH_BYTES;
    if (opens) {
      this.count += 1;
      this.table = table;
      this.rows = 0;
      this.bytes = 0;
    }
    this.rows += 1;
    this.bytes += bytes;
    return opens;
  }
}

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
    if (error instanceof BackupFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "ENOENT") throw new BackupFileError(`${file} does not exist`);
    if (
      code.startsWith("Z_") ||
      /unexpected end of file|incorrect header check|invalid/i.test(String(error))
    ) {
      throw new BackupFileError(`${file} is truncated or corrupted (gzip: ${(error as Error).message})`);
    }
    throw error;
  }
  const found = header as Header | undefined;
  if (!found) throw new BackupFileError(`${file} is not an aumflow backup (no header line)`);
  if (scanned.bytes < found.bytes) {
    throw new BackupFileError(
      `${file} is truncated: it holds ${scanned.bytes} of the ${found.bytes} bytes its header promises`,
    );
  }
  if (scanned.bytes > found.bytes) {
    throw new BackupFileError(
      `${file} is corrupted: it holds ${scanned.bytes} bytes, its header says ${found.bytes}`,
    );
  }
  if (scanned.sha256 !== found.content_sha256) {
    throw new BackupFileError(
      `${file} is corrupted: its content does not match its checksum (sha256 ${scanned.sha256}, the header says ${found.content_sha256})`,
    );
  }
  if (scanned.trailing > 0) throw new BackupFileError(`${file} is truncated: its last line is cut short`);
  if (problem) throw new BackupFileError(`${file} is malformed at ${problem}`);
  for (const expected of found.tables) {
    const rows = counts.get(expected.name) ?? 0;
    if (rows !== expected.rows) {
      throw new BackupFileError(
        `${file} is corrupted: ${expected.name} has ${rows} rows, the header says ${expected.rows}`,
      );
    }
  }
  if (tableIndex + 1 !== found.tables.length) {
    throw new BackupFileError(
      `${file} is truncated: ${found.tables.length - tableIndex - 1} table(s) missing`,
    );
  }
  return { header: found, batches: plan.count, rows: [...counts.values()].reduce((sum, n) => sum + n, 0) };
}

// ---------------------------------------------------------------------------------------------------
// The restore.

export interface RestoreOptions extends Client {
  file: string;
  /** Only read and check the file; write nothing (no API needed). */
  check?: boolean;
  stderr?: OutputStream;
}

export interface RestoreReport {
  file: string;
  header: Header;
  batches: number;
  /** Batches found stored already (a resumed restore). */
  skipped: number;
  checkedOnly: boolean;
  dataVersion?: number;
  funds?: number;
  settleCalls?: number;
}

interface SentBatch {
  seq: number;
  table: string;
  /** Rows of the table before this batch, and in it. */
  offset: number;
  rows: Cell[][];
}

/** Thrown when the restore stops part way: says what is stored and how to go on. */
export class RestoreStopped extends Error {}

const HOW_TO_GET_AN_EMPTY_DATABASE =
  "Restore only into an empty database: in production a new D1 database with the migrations applied " +
  "(wrangler d1 create, wrangler d1 migrations apply --remote, bound to the Worker); locally a product " +
  "started on fresh state with no data loaded (move .wrangler/state aside, then AUMFLOW_DATA=none npm start).";

export async function runRestore(options: RestoreOptions): Promise<RestoreReport> {
  const stderr = options.stderr ?? process.stderr;
  const verified = await verifyBackup(options.file);
  const { header } = verified;
  stderr.write(
    `restore: ${options.file} checked: ${verified.rows} rows in ${header.tables.length} tables, ` +
      `data_version ${header.data_version}, migration ${header.migration}, both checksums hold\n`,
  );
  const base = { file: options.file, header, batches: verified.batches, skipped: 0 };
  if (options.check) return { ...base, checkedOnly: true };

  const target = await post<Manifest>(options, "/v1/admin/backup");
  if (JSON.stringify(target.migrations) !== JSON.stringify(header.migrations)) {
    throw new Error(
      `${options.api} is at migration ${target.migrations.at(-1) ?? "(none)"} (${target.migrations.length} applied), ` +
        `the backup at ${header.migration} (${header.migrations.length}): restore into a database migrated to exactly the backup's level`,
    );
  }
  if (target.restore && target.restore.sha256 !== header.sha256) {
    throw new Error(
      `${options.api} holds another restore in progress (${target.restore.next} of ${target.restore.batches} batches, ` +
        `started ${target.restore.started_at}); nothing was written. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
  if (!target.restore && !target.empty) {
    const filled = target.tables
      .filter((table) => table.rows > 0 && !["meta", "assets"].includes(table.name))
      .map((table) => `${table.name} ${table.rows}`)
      .join(", ");
    throw new Error(
      `${options.api} is not empty (${filled || `data_version ${target.data_version}`}); nothing was written. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
  const counts = Object.fromEntries(header.tables.map((table) => [table.name, table.rows]));
  const begun = await post<{ restore: string; next: number; batches: number; resumed: boolean }>(
    options,
    "/v1/admin/restore/begin",
    {
      sha256: header.sha256,
      migrations: header.migrations,
      data_version: header.data_version,
      counts,
      batches: verified.batches,
    },
  );
  if (begun.resumed) stderr.write(`restore: resuming at batch ${begun.next} of ${begun.batches}\n`);

  const progress = createProgress(stderr, verified.batches, verified.rows);
  options.onRetry = (message) => progress.note(`retrying: ${message}`);
  const stored: SentBatch[] = [];
  let skipped = 0;
  const send = async (batch: SentBatch) => {
    if (batch.seq < begun.next) {
      skipped += 1;
      stored.push({ ...batch, rows: [] });
      progress.advance(batch.rows.length);
      return;
    }
    try {
      await post(options, "/v1/admin/restore/batch", {
        restore: begun.restore,
        seq: batch.seq,
        table: batch.table,
        columns: header.tables.find((table) => table.name === batch.table)?.columns,
        rows: batch.rows,
      });
    } catch (error) {
      progress.finish();
      throw new RestoreStopped(stoppedMessage(options, header, verified.batches, stored, batch, error));
    }
    stored.push({ ...batch, rows: [] });
    progress.advance(batch.rows.length);
  };

  const plan = new BatchPlan();
  let table = "";
  let offset = 0;
  let current: SentBatch | null = null;
  const second = await scan(
    options.file,
    () => undefined,
    async (line, bytes) => {
      const value = JSON.parse(line) as Cell[] | { table: string };
      if (!Array.isArray(value)) {
        table = value.table;
        offset = 0;
        return;
      }
      if (plan.add(table, bytes)) {
        if (current) await send(current);
        current = { seq: plan.count - 1, table, offset, rows: [] };
      }
      current?.rows.push(value);
      offset += 1;
    },
  );
  if (current) await send(current);
  progress.finish();
  if (second.sha256 !== header.content_sha256) {
    throw new RestoreStopped(
      `${options.file} changed while it was being restored (its checksum no longer holds): the restore was not ` +
        `finished, and ${options.api} holds a partial one. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
  const finished = await post<{ data_version: number; funds: number }>(options, "/v1/admin/restore/finish", {
    restore: begun.restore,
  });
  stderr.write(`restore: ${verified.rows} rows stored; recomputing ${finished.funds} funds\n`);
  const settleCalls = await settle(options, finished.funds, stderr);
  return {
    ...base,
    skipped,
    checkedOnly: false,
    dataVersion: finished.data_version,
    funds: finished.funds,
    settleCalls,
  };
}

function stoppedMessage(
  options: RestoreOptions,
  header: Header,
  total: number,
  stored: readonly SentBatch[],
  failed: SentBatch,
  error: unknown,
): string {
  const ofTable = header.tables.find((table) => table.name === failed.table)?.rows ?? 0;
  const complete = header.tables
    .slice(
      0,
      header.tables.findIndex((table) => table.name === failed.table),
    )
    .map((table) => table.name);
  const kept =
    stored.length === 0
      ? "No batch is stored"
      : `Batches 0 to ${stored.length - 1} are stored (${complete.join(", ") || "no table"} complete` +
        `${failed.offset > 0 ? `, ${failed.table} up to row ${failed.offset}` : ""})`;
  return (
    `restore stopped at batch ${failed.seq} of ${total} (${failed.table}, rows ${failed.offset + 1}-${failed.offset + failed.rows.length} of ${ofTable}): ` +
    `${describeFailure(error)}\n${kept}; none of batch ${failed.seq}. ${options.api} is not empty now, and its reads ` +
    `show a partial ledger until the restore finishes. Run the same command again to resume at batch ${failed.seq}; ` +
    "if that batch is refused again, restore into a fresh database."
  );
}

/** POST /v1/admin/settle until nothing remains, as the importer's bulk load does. */
async function settle(client: Client, funds: number, stderr: OutputStream): Promise<number> {
  let calls = 0;
  for (;;) {
    calls += 1;
    const { remaining } = await post<{ remaining: number | null }>(
      client,
      `/v1/admin/settle?max_funds=${SETTLE_FUNDS_PER_CALL}`,
    );
    if (remaining === 0) return calls;
    if (remaining === null) await (client.sleep ?? ((ms: number) => delay(ms)))(200);
    else stderr.write(`restore: recomputing, ${remaining} of ${funds} funds left\n`);
  }
}

// ---------------------------------------------------------------------------------------------------
// The command.

export const USAGE = `Usage: npm run restore -- FILE [--api URL] [--token T] [--check]

Restores a backup written by npm run backup into an EMPTY database (refusing any other), then
recomputes every derived figure. The whole file is checked first (checksums, length, counts): a
corrupted or truncated file is refused with nothing written. An interrupted restore resumes where it
stopped when the same command is run again.

  --api URL    API base (default: $AUMFLOW_API, else the npm start running here, else ${DEFAULT_API})
  --token T    an admin token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --check      only read and check FILE; write nothing`;

export function parseRestoreArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { help: true } | ({ help: false } & RestoreOptions) {
  const { values, positionals } = parseCommandLine(argv, { allowPositionals: true, options: OPTIONS });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError("give one FILE to restore");
  const check = values.check ?? false;
  return {
    help: false,
    file: positionals[0] as string,
    api: apiOrDefault(values.api, env, cwd),
    // Checking a file needs no API, and so no token.
    token: check ? (values.token ?? "") : tokenOf(values.token, env, cwd),
    check,
  };
}

const OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runTool(
    "restore",
    USAGE,
    () => parseRestoreArgs(argv),
    async (command) => {
      const report = await runRestore(command);
      if (report.checkedOnly) {
        process.stdout.write(
          `restore: ${report.file} is whole (${report.batches} batches to send); nothing written\n`,
        );
      } else {
        process.stdout.write(
          `restore: ${report.file} restored into ${command.api}: data_version ${report.dataVersion}, ` +
            `${report.funds} funds recomputed (${report.settleCalls} settle calls)` +
            `${report.skipped > 0 ? `, ${report.skipped} batches found stored already` : ""}\n`,
        );
      }
    },
    describeFailure,
  );
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
