// Reading a backup file in one pass: gunzipped when it is gzipped, the header line apart, every later
// line in order, and the bytes after the header hashed exactly as they are.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export class BackupFileError extends Error {}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export interface Scanned {
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
export async function scan(
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
