// Reading an import: every file parsed and checked before anything is sent. Farside tables wait for
// the funds' listing dates (the import's funds files first, then whoever `lookUp` asks: the API), and
// with a revision log they become its replay instead of a plain import of the last capture. Texts in,
// requests' rows out: the command line reads the files, the Worker tests embed them.

import { farsideImport } from "./farside-flows.ts";
import type { FarsideTable } from "./farside-table.ts";
import { type ReadFile, readImportSource } from "./long.ts";
import { replayFile } from "./pack.ts";
import {
  type ListedFund,
  listingDates,
  requireKnownFunds,
  type TickerChange,
  unknownFunds,
} from "./reference.ts";
import { type ReplaySummary, replayRevisionLog } from "./replay.ts";
import { parseRevisionLog } from "./revision-log.ts";
import type { ParsedFile } from "./types.ts";

export interface ImportText {
  file: string;
  text: string;
}

export interface ReadImport {
  files: { file: string; data: ParsedFile }[];
  warnings: string[];
  replay?: ReplaySummary & { batches: number };
}

export interface ReadOptions {
  files: readonly ImportText[];
  asset?: string;
  /** Farside's revision log: replay it over the Farside tables among the files. */
  replay?: ImportText;
  /** When the first capture of the replay was public (default: the log's earliest change). */
  firstCapture?: string;
  batchSize: number;
  /** Listing dates of funds the files do not name (from the API). */
  lookUp: (tickers: readonly string[]) => Promise<ListedFund[]>;
  note: (line: string) => void;
}

export async function readImport(options: ReadOptions): Promise<ReadImport> {
  const read = options.files.map(({ file, text }) => ({
    file,
    data: readImportSource(text, file, options.asset ? { asset: options.asset } : {}),
  }));
  const tables = read.flatMap(({ data }) => (data.kind === "farside" ? [data.table] : []));
  const plain = read.filter(
    (entry): entry is { file: string; data: ParsedFile } => entry.data.kind !== "farside",
  );
  if (options.replay && tables.length === 0) {
    throw new Error("--replay needs the Farside tables it revises among the files (the last capture)");
  }
  if (tables.length === 0) return { files: plain, warnings: plain.flatMap(({ data }) => data.warnings) };

  const listedOn = await listingDatesFor(read, tables, options);
  const farside: { file: string; data: ParsedFile }[] = [];
  let replay: ReadImport["replay"];
  if (options.replay) {
    const log = parseRevisionLog(options.replay.text, options.replay.file);
    options.note(`replaying ${options.replay.file}: ${log.length} changes over ${tables.length} tables`);
    const first = options.firstCapture
      ? { firstObservedAt: new Date(options.firstCapture).toISOString() }
      : {};
    const replayed = replayRevisionLog(tables, log, listedOn, first);
    const data = replayFile(replayed, options.batchSize);
    farside.push({ file: options.replay.file, data });
    replay = { ...replayed.summary, batches: data.batches?.length ?? 0 };
  } else {
    for (const table of tables) {
      const { flows, seeds, warnings } = farsideImport(table, listedOn);
      farside.push({ file: table.file, data: { kind: "flows", rows: flows, warnings, seeds } });
    }
  }
  const files = [...plain, ...farside];
  return { files, warnings: files.flatMap(({ data }) => data.warnings), ...(replay && { replay }) };
}

/** The import's own funds win: they are written before any flow. */
async function listingDatesFor(
  read: readonly { file: string; data: ReadFile }[],
  tables: readonly FarsideTable[],
  options: ReadOptions,
): Promise<Map<string, string>> {
  const fileFunds = read.flatMap(({ data }) => (data.kind === "funds" ? data.rows : []));
  const changes = read.flatMap(({ data }) =>
    data.kind === "events"
      ? data.rows.flatMap((event): TickerChange[] => (event.type === "ticker_change" ? [event] : []))
      : [],
  );
  let listedOn = listingDates([], fileFunds, changes);
  const unknown = unknownFunds(tables, listedOn);
  if (unknown.length > 0) {
    options.note(`asking the API for the listing dates of ${unknown.join(", ")}`);
    listedOn = listingDates(await options.lookUp(unknown), fileFunds, changes);
  }
  requireKnownFunds(tables, listedOn);
  return listedOn;
}
