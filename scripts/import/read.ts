// The command line's side of reading an import: the files' texts from disk, then shared/import/read.ts.
import { readFileSync } from "node:fs";
import { type ReadImport, type ReadOptions, readImport } from "../../shared/import/read.ts";

export type { ReadImport } from "../../shared/import/read.ts";

export type ReadFileOptions = Omit<ReadOptions, "files" | "replay"> & {
  files: readonly string[];
  /** Path of Farside's revision log. */
  replay?: string;
};

export async function readImportFiles(options: ReadFileOptions): Promise<ReadImport> {
  const text = (file: string) => ({ file, text: readFileSync(file, "utf8") });
  const { replay, files, ...rest } = options;
  return readImport({ ...rest, files: files.map(text), ...(replay && { replay: text(replay) }) });
}
