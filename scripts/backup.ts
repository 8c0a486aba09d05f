// `npm run backup -- FILE`: everything the ledger holds, into one versioned file, through the admin API
// (POST /v1/admin/backup and /v1/admin/backup/{table}), locally and against a deployment alike.
//
// The file (NDJSON, gzipped when FILE ends in .gz):
//   line 1   the header: {"format":"aumflow-backup","version":1,"created_at","api","data_version",
//            "migration","migrations","tables":[{"name","columns","rows"}],"bytes","content_sha256","sha256"}
//   then     per table, in restore order: {"table":name,"columns":[...]} and one JSON array per row,
//            the columns' values in that order, rows in primary-key order
// content_sha256 is the SHA-256 of every byte after the header line (as uncompressed), so
// `tail -n +2 FILE | sha256sum` shows it; sha256 is the SHA-256 of the header line up to its
// `,"sha256":` member: together they cover every byte, and `npm run restore` checks both, and every
// count, before it writes anything.
//
// Consistency: the pages are separate reads, so the backup compares the data_version and every count
// after the last page with the ones before the first; a write in between starts it again (up to three
// times), so the file is one state of the ledger.

import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";
import { createGzip } from "node:zlib";
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type Cell,
  MAX_PAGE_ROWS,
  type Manifest,
  type Page,
} from "../shared/backup.ts";
import { ApiProblem, retryDelayMs } from "./import/http.ts";
import { createProgress, type OutputStream } from "./import/progress.ts";
import {
  apiOrDefault,
  DEFAULT_API,
  isMain,
  messageOf,
  parseCommandLine,
  runTool,
  tokenOf,
  UsageError,
} from "./lib/cli.ts";

/** Rows per page read; the API takes up to MAX_PAGE_ROWS. */
export const PAGE_ROWS = 5000;
const CONSISTENT_TRIES = 3;

export interface Header {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  created_at: string;
  api: string;
  data_version: number;
  migration: string | null;
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number }[];
  bytes: number;
  content_sha256: string;
  sha256: string;
}

// ---------------------------------------------------------------------------------------------------
// Talking to the API.

export interface Client {
  api: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (message: string) => void;
}

/**
 * POSTs to the API and returns the JSON answer. Network failures, 429 and 5xx are retried with backoff
 * (at least the server's Retry-After); any other refusal is thrown as ApiProblem with the API's detail,
 * at once: a 409 here means "not in this state", which waiting does not change.
 */
export async function post<T>(client: Client, pathAndQuery: string, body?: unknown): Promise<T> {
  const fetcher = client.fetch ?? fetch;
  const sleep = client.sleep ?? ((ms: number) => delay(ms));
  const url = `${client.api}${pathAndQuery}`;
  const maxTries = 8;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let retryAfter: string | null = null;
    try {
      const response = await fetcher(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${client.token}`,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      if (response.status !== 429 && response.status < 500) throw problemOf(response.status, text);
      failure = `${response.status} ${response.statusText}`.trim();
      retryAfter = response.headers.get("retry-after");
    } catch (error) {
      if (error instanceof ApiProblem || error instanceof SyntaxError) throw error;
      failure = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= maxTries) throw new Error(`POST ${url} gave up after ${attempt} tries: ${failure}`);
    const wait = retryDelayMs(attempt, retryAfter, Math.random);
    client.onRetry?.(`${failure}; try ${attempt + 1}/${maxTries} in ${(wait / 1000).toFixed(1)}s`);
    await sleep(wait);
  }
}

function problemOf(status: number, text: string): ApiProblem {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; errors?: unknown };
    const errors = Array.isArray(problem.errors)
      ? (problem.errors as { pointer?: string; detail?: string }[])
      : [];
    return new ApiProblem(status, String(problem.detail ?? text), errors);
  } catch {
    return new ApiProblem(status, text.slice(0, 500), []);
  }
}

// ---------------------------------------------------------------------------------------------------
// The header's checksums.

export const sha256Hex = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The header line: every member, then the checksum of the text before it. */
export function headerLine(header: Omit<Header, "sha256">): string {
  const before = JSON.stringify(header).slice(0, -1);
  return `${before},"sha256":"${sha256Hex(before)}"}`;
}

/** The header's text before its checksum, and the checksum, or null when the line is not so shaped. */
export function splitHeader(line: string): { before: string; sha256: string } | null {
  const match = /^(\{.*),"sha256":"([0-9a-f]{64})"\}$/s.exec(line);
  return match ? { before: match[1] as string, sha256: match[2] as string } : null;
}

// ---------------------------------------------------------------------------------------------------
// The backup.

export interface BackupOptions extends Client {
  file: string;
  pageRows?: number;
  stderr?: OutputStream;
}

export interface BackupReport {
  file: string;
  header: Header;
  /** Bytes of the file as written (compressed when gzipped). */
  fileBytes: number;
  tries: number;
}

/** Writes a line, waiting when the stream's buffer is full. */
async function writeLine(stream: WriteStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

const countsOf = (manifest: Manifest) =>
  JSON.stringify([manifest.data_version, manifest.tables.map((table) => [table.name, table.rows])]);

export async function runBackup(options: BackupOptions): Promise<BackupReport> {
  const stderr = options.stderr ?? process.stderr;
  const pageRows = options.pageRows ?? PAGE_ROWS;
  const file = path.resolve(options.file);
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomUUID().slice(0, 8)}`;
  const content = `${temporary}.content`;
  try {
    for (let tries = 1; ; tries++) {
      const first = await post<Manifest>(options, "/v1/admin/backup");
      if (first.format !== BACKUP_FORMAT || first.version !== BACKUP_VERSION) {
        throw new Error(
          `the API speaks backup format ${first.format} ${first.version}, this tool ${BACKUP_FORMAT} ${BACKUP_VERSION}`,
        );
      }
      if (first.restore) {
        throw new Error(
          `a restore is in progress at ${options.api} (${first.restore.next} of ${first.restore.batches} batches stored): its data is partial; finish it first`,
        );
      }
      const written = await writeContent(options, first, content, pageRows, stderr);
      const last = await post<Manifest>(options, "/v1/admin/backup");
      const rowsRead = JSON.stringify([
        first.data_version,
        written.tables.map((table) => [table.name, table.rows]),
      ]);
      if (countsOf(first) === countsOf(last) && rowsRead === countsOf(first)) {
        const header = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          created_at: new Date().toISOString(),
          api: options.api,
          data_version: first.data_version,
          migration: first.migrations.at(-1) ?? null,
          migrations: first.migrations,
          tables: written.tables,
          bytes: written.bytes,
          content_sha256: written.sha256,
        } as const;
        const line = headerLine(header);
        await assemble(line, content, temporary, file.endsWith(".gz"));
        await rename(temporary, file);
        return { file, header: JSON.parse(line) as Header, fileBytes: (await stat(file)).size, tries };
      }
      if (tries >= CONSISTENT_TRIES) {
        throw new Error(
          `the database changed during each of ${tries} tries (data_version ${first.data_version} → ${last.data_version}); ` +
            "back up while nothing writes, or use D1 Time Travel for a point in time",
        );
      }
      stderr.write(
        `backup: the database changed while it was read (data_version ${first.data_version} → ${last.data_version}); starting again\n`,
      );
    }
  } finally {
    await rm(content, { force: true });
    await rm(temporary, { force: true });
  }
}

/** Every table's rows into `target`, hashing as it goes. */
async function writeContent(
  client: BackupOptions,
  manifest: Manifest,
  target: string,
  pageRows: number,
  stderr: OutputStream,
): Promise<{ tables: Header["tables"]; bytes: number; sha256: string }> {
  const out = createWriteStream(target);
  const hash = createHash("sha256");
  let bytes = 0;
  const emit = async (line: string) => {
    const text = `${line}\n`;
    hash.update(text);
    bytes += Buffer.byteLength(text);
    await writeLine(out, line);
  };
  const totalRows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  const pages = manifest.tables.reduce(
    (sum, table) => sum + Math.max(1, Math.ceil(table.rows / pageRows)),
    0,
  );
  const progress = createProgress(stderr, pages, totalRows);
  client.onRetry = (message) => progress.note(`retrying: ${message}`);
  const tables: Header["tables"] = [];
  try {
    for (const table of manifest.tables) {
      await emit(JSON.stringify({ table: table.name, columns: table.columns }));
      let rows = 0;
      let after: Cell[] | null = null;
      do {
        const query: string = `limit=${pageRows}${after ? `&after=${encodeURIComponent(JSON.stringify(after))}` : ""}`;
        const page: Page = await post(client, `/v1/admin/backup/${table.name}?${query}`);
        if (JSON.stringify(page.columns) !== JSON.stringify(table.columns)) {
          throw new Error(`the columns of ${table.name} changed during the backup`);
        }
        for (const row of page.rows) await emit(JSON.stringify(row));
        rows += page.rows.length;
        progress.advance(page.rows.length);
        after = page.next;
      } while (after);
      tables.push({ name: table.name, columns: table.columns, rows });
    }
  } finally {
    progress.finish();
    await closeStream(out);
  }
  return { tables, bytes, sha256: hash.digest("hex") };
}

/** The file: the header line, then the content, gzipped or not. */
async function assemble(header: string, content: string, target: string, gzip: boolean): Promise<void> {
  const out = createWriteStream(target);
  const source = async function* () {
    yield Buffer.from(`${header}\n`);
    for await (const chunk of createReadStream(content)) yield chunk as Buffer;
  };
  if (gzip) await pipeline(source, createGzip(), out);
  else await pipeline(source, out);
}

// ---------------------------------------------------------------------------------------------------
// The command.

export const USAGE = `Usage: npm run backup -- FILE [--api URL] [--token T] [--page N]

Writes everything the ledger holds (every fact of every ledger table with all its columns, the revision
log, funds, assets, source ranks, ticker aliases, token hashes and meta) to FILE, gzipped when FILE ends
in .gz. Derived figures are not in it: a restore recomputes them.

  --api URL    API base (default: $AUMFLOW_API, else the npm start running here, else ${DEFAULT_API})
  --token T    an admin token (default: $AUMFLOW_TOKEN, or ADMIN_TOKEN= in ./.dev.vars)
  --page N     rows per page read, 1 to ${MAX_PAGE_ROWS} (default ${PAGE_ROWS})

Restore with: npm run restore -- FILE`;

export function parseBackupArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { help: true } | ({ help: false } & BackupOptions) {
  const { values, positionals } = parseCommandLine(argv, { allowPositionals: true, options: OPTIONS });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError("give one FILE to write");
  const pageRows = values.page === undefined ? PAGE_ROWS : Number(values.page);
  if (!Number.isInteger(pageRows) || pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
    throw new UsageError(`--page must be a whole number from 1 to ${MAX_PAGE_ROWS}`);
  }
  return {
    help: false,
    file: positionals[0] as string,
    api: apiOrDefault(values.api, env, cwd),
    token: tokenOf(values.token, env, cwd),
    pageRows,
  };
}

const OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
  page: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function describeFailure(error: unknown): string {
  if (error instanceof ApiProblem) {
    const fields = error.errors.map((field) => `\n  ${field.pointer ?? ""}: ${field.detail ?? ""}`).join("");
    return `${error.status}: ${error.detail}${fields}`;
  }
  return messageOf(error);
}

export function main(argv: readonly string[]): Promise<number> {
  return runTool(
    "backup",
    USAGE,
    () => parseBackupArgs(argv),
    async (command) => {
      const report = await runBackup(command);
      const { header } = report;
      const rows = header.tables.map((table) => `${table.name} ${table.rows}`).join(", ");
      process.stdout.write(
        `backup: ${report.file} (${report.fileBytes} bytes), data_version ${header.data_version}, migration ${header.migration}\n` +
          `        ${rows}\n        content sha256 ${header.content_sha256}\n`,
      );
    },
    describeFailure,
  );
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
