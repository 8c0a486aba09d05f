// The one place the site gets its data, once per build. Everything comes from the API's own answers
// (GET /v1/export, /v1/funds/{t}/daily, /v1/revisions), or from the same documents saved as files
// when AUMFLOW_EXPORT_DIR is set (export.json, daily/<TICKER>.json, revisions.json).
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ExportDocument, FundDayRow, RevisionRow } from "../../../shared/export.ts";

export interface SiteData {
  export: ExportDocument;
  /** Each fund's calendar-day rows, oldest first, by ticker. */
  daily: ReadonlyMap<string, readonly FundDayRow[]>;
  revisions: readonly RevisionRow[];
  /** Where it came from, for the footer and the build log. */
  origin: string;
}

interface FundDaily {
  fund: string;
  rows: FundDayRow[];
}

const DAILY_CONCURRENCY = 8;

let loading: { build: string; data: Promise<SiteData> } | undefined;

/**
 * Loads the data once per build; every page and endpoint shares the result. A process that builds
 * again (npm start on a new data_version) sets a new AUMFLOW_BUILD_ID, so modules kept from the
 * previous build load the new data instead of showing the old.
 */
export function loadSiteData(): Promise<SiteData> {
  const build = process.env.AUMFLOW_BUILD_ID ?? "";
  if (loading?.build !== build) loading = { build, data: load() };
  return loading.data;
}

async function load(): Promise<SiteData> {
  const dir = process.env.AUMFLOW_EXPORT_DIR;
  const api = (process.env.AUMFLOW_API ?? "http://localhost:8787").replace(/\/+$/, "");
  const read = dir ? fromDirectory(path.resolve(dir)) : fromApi(api);
  const started = performance.now();
  const exportDocument = checkExport(await read("export"));
  const tickers = exportDocument.funds.map((fund) => fund.ticker);
  const daily = new Map<string, FundDayRow[]>();
  await forEachLimited(tickers, DAILY_CONCURRENCY, async (ticker) => {
    const answer = (await read(`daily/${ticker}`)) as FundDaily;
    if (!Array.isArray(answer?.rows)) throw new Error(`daily rows of ${ticker}: no "rows" array`);
    daily.set(ticker, answer.rows);
  });
  const revisions = dir ? ((await read("revisions")) as RevisionPage).revisions : await allRevisions(api);
  const origin = dir ? `files in ${dir}` : api;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `aumflow: data_version ${exportDocument.data_version}, ${tickers.length} funds from ${origin} in ${seconds}s`,
  );
  return { export: exportDocument, daily, revisions: (revisions ?? []).filter(isRestatement), origin };
}

interface RevisionPage {
  revisions: RevisionRow[];
  next_since?: string;
}

/**
 * The revision log lists every fact as it was first recorded (old_value null) as well as every
 * restatement; pages show restatements only, so only those are kept in memory.
 */
const isRestatement = (row: RevisionRow) => row.old_value !== null && row.old_value !== undefined;

/** Pages through GET /v1/revisions (by revision id) and keeps the restatements. */
async function allRevisions(api: string): Promise<RevisionRow[]> {
  const kept: RevisionRow[] = [];
  let since: string | undefined;
  do {
    const url = `${api}/v1/revisions?limit=10000${since ? `&since=${since}` : ""}`;
    const page = (await getJson(url)) as RevisionPage;
    kept.push(...page.revisions.filter(isRestatement));
    since = page.next_since;
  } while (since);
  return kept;
}

type Reader = (document: string) => Promise<unknown>;

function fromDirectory(dir: string): Reader {
  return async (document) => {
    const file = path.join(dir, `${document}.json`);
    try {
      return JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new Error(`cannot read ${file} (AUMFLOW_EXPORT_DIR): ${(error as Error).message}`);
    }
  };
}

const API_PATHS: Record<string, (ticker?: string) => string> = {
  export: () => "/v1/export",
  daily: (ticker = "") => `/v1/funds/${encodeURIComponent(ticker)}/daily`,
};

function fromApi(api: string): Reader {
  return (document) => {
    const [kind = "", ticker] = document.split("/");
    return getJson(`${api}${API_PATHS[kind]?.(ticker) ?? `/${document}`}`);
  };
}

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" } });
  } catch (error) {
    throw new Error(
      `cannot reach ${url}: ${(error as Error).message}. Start the API (npm start) or set AUMFLOW_API / AUMFLOW_EXPORT_DIR.`,
    );
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return response.json();
}

/** Fails the build early, with a clear message, when the export is not the shape the pages expect. */
function checkExport(value: unknown): ExportDocument {
  const doc = value as ExportDocument;
  const problems = [
    typeof doc?.data_version !== "number" && "data_version",
    !doc?.summary && "summary",
    !Array.isArray(doc?.funds) && "funds",
    !Array.isArray(doc?.assets) && "assets",
    !Array.isArray(doc?.aggregates?.day) && "aggregates.day",
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`the export lacks ${problems.join(", ")}`);
  return doc;
}

async function forEachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
