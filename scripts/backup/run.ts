// The backup as a function: the manifest, every table a page at a time into a content file hashed as
// it is written, the manifest again, and only when nothing changed in between the file itself (header
// line, then the content), renamed into place; a write in between starts it again, up to three times.

import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { BACKUP_FORMAT, BACKUP_VERSION, type Cell, type Manifest, type Page } from "../../shared/backup.ts";
import { createProgress, type OutputStream } from "../import/progress.ts";
import { type Client, post } from "./client.ts";
import { type Header, headerLine } from "./header.ts";

/** Rows per page read; the API takes up to MAX_PAGE_ROWS. */
export const PAGE_ROWS = 5000;
const CONSISTENT_TRIES = 3;

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
      refuseToReadFrom(options, first);
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

/** Throws when the API speaks another format, or holds a restore part way (its data is partial). */
function refuseToReadFrom(client: Client, manifest: Manifest): void {
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== BACKUP_VERSION) {
    throw new Error(
      `the API speaks backup format ${manifest.format} ${manifest.version}, this tool ${BACKUP_FORMAT} ${BACKUP_VERSION}`,
    );
  }
  if (manifest.restore) {
    throw new Error(
      `a restore is in progress at ${client.api} (${manifest.restore.next} of ${manifest.restore.batches} batches stored): its data is partial; finish it first`,
    );
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
