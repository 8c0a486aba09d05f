// The header line of a backup file and its checksum: every member, then the SHA-256 of the text
// before its `,"sha256":` member, so a restore can tell a header that was changed from one that holds.

import { createHash } from "node:crypto";
import type { BACKUP_FORMAT, BACKUP_VERSION } from "../../shared/backup.ts";

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
