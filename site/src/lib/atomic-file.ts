// Files the site build keeps between builds (the history cache, kept values) are written whole or
// not at all: under a temporary name of this process, then renamed, so a reader or another build
// finds the old file or the new one, never half of one.
import { renameSync, writeFileSync } from "node:fs";

export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}
