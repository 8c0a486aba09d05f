// The fund histories one build leaves for the next. A fund's daily rows change only when its
// days_version moves (GET /v1/funds); a restated flow at a thousand funds changes one fund's rows, so
// the next build reads the other 999 from here instead of moving 1.4 GB of JSON again.
//
// Per fund and version, three files: the typed columns, the marks and the weeks' digests (v8
// serialized, a few hundred kB for ten years), and the open data files themselves (the JSON as the
// API wrote it, the CSV). The
// columns are read for every fund; the files only when a page or file being built asks for them.
// Each entry also keeps the fund's latest figures as the export gave them: an entry whose version
// matches but whose figures do not (another database answering at the same address, numbered from
// 1 again) is not used.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { FundSummary } from "../../../shared/export.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import type { Bytes, FundHistory } from "./history.ts";
import { type WeekDigests, weekDigests } from "./week-digests.ts";

/** A file's size and SHA-256, for the open data catalog without reading the file. */
export interface FileSum {
  bytes: number;
  sha256: string;
}

export interface CachedHistory extends FundHistory {
  sums: { json: FileSum; csv: FileSum };
  weeks?: WeekDigests;
}

type Columns = Omit<FundHistory, "json" | "csv"> & { weeks?: WeekDigests };

interface Entry {
  columns: Columns;
  sums: CachedHistory["sums"];
  latest: string;
}

/** The directory for one API's histories: builds from two APIs never share an entry. */
export function historyCacheDir(root: string, api: string): string {
  return path.join(root, createHash("sha256").update(api).digest("hex").slice(0, 16));
}

/** The ticker in a file name, with no "." of its own: "A.B" must not own "A.B.5.v8"'s neighbours. */
const nameOf = (ticker: string) => encodeURIComponent(ticker).replaceAll(".", "%2E");

const fileName = (ticker: string, version: number, kind: "v8" | "json" | "csv") =>
  `${nameOf(ticker)}.${version}.${kind}`;

const latestOf = (fund: FundSummary) => JSON.stringify(fund.latest);

export function sumOf(bytes: Bytes): FileSum {
  return { bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** The fund's history as the export describes it (its days_version and latest figures), if kept. */
export function readCachedHistory(dir: string, fund: FundSummary): CachedHistory | undefined {
  if (fund.days_version === null) return undefined;
  const version = fund.days_version;
  let entry: Entry;
  try {
    entry = deserialize(readFileSync(path.join(dir, fileName(fund.ticker, version, "v8")))) as Entry;
  } catch {
    return undefined;
  }
  if (entry.latest !== latestOf(fund)) return undefined;
  // An entry kept before weeks had digests gets them once (week-digests.ts reads only the columns).
  if (!entry.columns.weeks) {
    entry.columns.weeks = weekDigests(entry.columns as FundHistory);
    writeFileAtomic(path.join(dir, fileName(fund.ticker, version, "v8")), serialize(entry));
  }
  const lazy = (kind: "json" | "csv") => {
    let bytes: Bytes | undefined;
    return () => {
      bytes ??= new Uint8Array(readFileSync(path.join(dir, fileName(fund.ticker, version, kind))));
      return bytes;
    };
  };
  const json = lazy("json");
  const csv = lazy("csv");
  return Object.defineProperties({ ...entry.columns, sums: entry.sums } as CachedHistory, {
    json: { get: json, enumerable: true },
    csv: { get: csv, enumerable: true },
  });
}

/**
 * Keeps the fund's history under its days_version, and drops the fund's older entries. Each file is
 * written under a temporary name and renamed: a build stopped halfway leaves no torn entry.
 */
export function writeCachedHistory(dir: string, fund: FundSummary, history: FundHistory): CachedHistory {
  const sums = { json: sumOf(history.json), csv: sumOf(history.csv) };
  if (fund.days_version === null) return { ...history, sums };
  mkdirSync(dir, { recursive: true });
  const version = fund.days_version;
  const { json, csv, ...rows } = history;
  // The weeks' digests are kept with the rows they are made from (week-digests.ts).
  const columns = { ...rows, weeks: weekDigests(history) };
  const entry: Entry = { columns, sums, latest: latestOf(fund) };
  const put = (kind: "v8" | "json" | "csv", bytes: Uint8Array) =>
    writeFileAtomic(path.join(dir, fileName(fund.ticker, version, kind)), bytes);
  // The columns last: an entry is found by them, so it is found only once its files are there.
  put("json", json);
  put("csv", csv);
  put("v8", serialize(entry));
  const prefix = `${nameOf(fund.ticker)}.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (!rest.startsWith(`${version}.`)) rmSync(path.join(dir, name), { force: true });
  }
  return { ...history, weeks: columns.weeks, sums };
}
