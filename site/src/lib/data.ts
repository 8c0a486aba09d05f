// The one place the site gets its data, once per build. Everything comes from the API's own answers
// (GET /v1/export; every fund's daily rows from /v1/daily; from /v1/revisions the restatements, the
// corporate actions and the holdings marks; every source's closes from /v1/prices), or from the same
// documents saved as files when AUMFLOW_EXPORT_DIR is set (export.json, daily/<TICKER>.json as
// /v1/funds/{t}/daily answers, revisions.json, and events.json, holdings.json and prices.json when
// the folder has them).
import { readFile } from "node:fs/promises";
import path from "node:path";
import type {
  ExportDocument,
  ExportYearPage,
  FundDayRow,
  FundSummary,
  RevisionRow,
} from "../../../shared/export.ts";
import { type Bytes, type FundHistory, toHistory } from "./history.ts";
import { historyCacheDir, readCachedHistory, writeCachedHistory } from "./history-cache.ts";

export interface SiteData {
  export: ExportDocument;
  /** Each fund's calendar-day rows, oldest first, by ticker (held compactly: see history.ts). */
  daily: ReadonlyMap<string, FundHistory>;
  revisions: readonly RevisionRow[];
  /**
   * Every corporate action on record (spin-offs, ticker and fee changes, distributions, seeds), as
   * GET /v1/revisions?entity=event lists them: the trend charts annotate them, with their sources.
   * Saved answers without an events.json have none.
   */
  events: readonly RevisionRow[];
  /** Every holdings mark on record (a filing's count of the coins held), with its source. */
  holdings: readonly RevisionRow[];
  /**
   * The closes of every asset-day more than one source gave a close for (GET /v1/prices lists each
   * source's beside the one used, with the difference): the asset pages say how far they differ.
   * Saved answers without a prices.json have none.
   */
  crossPrices: readonly PriceRecord[];
  /** Where it came from, for the footer and the build log. */
  origin: string;
}

/** One source's close of one asset-day, as GET /v1/prices lists it. */
export interface PriceRecord {
  asset: string;
  date: string;
  source: string;
  close_usd: string;
  /** True for the close the engine uses. */
  used: boolean;
  /** This source's close minus the used one. */
  difference_usd: string;
}

interface FundDaily {
  fund: string;
  rows: FundDayRow[];
}

/** Files read at once from a directory of saved answers. */
const DAILY_CONCURRENCY = 8;
/** Funds per GET /v1/daily (its most): a thousand funds' ten years are 1.4 GB of JSON, 14 MB a page. */
const DAILY_PAGE = 10;

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
  const readBytes = dir ? fromDirectory(path.resolve(dir)) : fromApi(api);
  const read = async (document: string) => parse(await readBytes(document), document);
  const started = performance.now();
  const daily = new Map<string, FundHistory>();
  const add = (bytes: Uint8Array, ticker?: string) => {
    const { fund, history } = historyOf(bytes, ticker);
    daily.set(fund, history);
  };
  const exportDocument = readExport(read, Boolean(dir));
  // From files, the export names the funds to read; from the API, the three reads go side by side.
  const [doc, revisions, events, holdings, prices, fundsRead] = await Promise.all([
    exportDocument,
    dir ? read("revisions").then((page) => (page as RevisionPage).revisions) : allRevisions(api),
    dir ? readOptional(readBytes, "events") : allRevisions(api, "entity=event"),
    dir ? readOptional(readBytes, "holdings") : allRevisions(api, "entity=holding"),
    dir ? readOptional(readBytes, "prices", "prices") : pricesOf(api),
    dir
      ? exportDocument.then((found) =>
          forEachLimited(
            found.funds.map((fund) => fund.ticker),
            DAILY_CONCURRENCY,
            async (ticker) => add(await readBytes(`daily/${ticker}`), ticker),
          ),
        )
      : dailyFromApi(api, exportDocument, daily),
  ]);
  const origin = dir ? `files in ${dir}` : api;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `aumflow: data_version ${doc.data_version}, ${doc.funds.length} funds from ${origin} in ${seconds}s` +
      (typeof fundsRead === "number"
        ? ` (daily rows: ${fundsRead} funds read, the others kept from the last build)`
        : ""),
  );
  return {
    export: doc,
    daily,
    revisions: (revisions ?? []).filter(isRestatement),
    events: (events ?? []).filter((row) => row.entity === "event"),
    holdings: (holdings ?? []).filter((row) => row.entity === "holding"),
    crossPrices: crossSource(prices as PriceRecord[]),
    origin,
  };
}

/** A saved answer that may be absent (older saves have no events.json): none then. */
async function readOptional<T = RevisionRow>(
  readBytes: Reader,
  document: string,
  field = "revisions",
): Promise<T[]> {
  try {
    const page = parse(await readBytes(document), document) as Record<string, unknown>;
    const list = page?.[field];
    return Array.isArray(list) ? (list as T[]) : [];
  } catch {
    return [];
  }
}

/** Every source's closes; an API without the route gives none (the pages then say nothing of it). */
async function pricesOf(api: string): Promise<PriceRecord[]> {
  try {
    const page = (await getJson(`${api}/v1/prices`)) as { prices?: PriceRecord[] };
    return page.prices ?? [];
  } catch {
    return [];
  }
}

/** Only the asset-days more than one source gave a close for: the rest say nothing about differences. */
function crossSource(prices: readonly PriceRecord[]): PriceRecord[] {
  const count = new Map<string, number>();
  for (const price of prices)
    count.set(`${price.asset}|${price.date}`, (count.get(`${price.asset}|${price.date}`) ?? 0) + 1);
  return prices.filter((price) => (count.get(`${price.asset}|${price.date}`) ?? 0) > 1);
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

/** A fund's daily answer as the build holds it. */
function historyOf(bytes: Uint8Array, ticker?: string): { fund: string; history: FundHistory } {
  const answer = parse(bytes, `daily rows of ${ticker ?? "a fund"}`) as FundDaily;
  if (!Array.isArray(answer?.rows)) throw new Error(`daily rows of ${answer?.fund}: no "rows" array`);
  return { fund: answer.fund, history: toHistory(answer.rows, rowsBytes(bytes, answer.fund)) };
}

/** Above this many funds to fetch, one pass over GET /v1/daily beats a request per fund. */
const FETCH_ONE_BY_ONE = 40;

/**
 * Every fund's daily rows from the API. With a cache (AUMFLOW_SITE_CACHE, which scripts/build-site.ts
 * sets), a fund whose days_version the last build already read comes from the cache
 * (history-cache.ts), and only the others are asked for: one by one when few, else in one pass over
 * GET /v1/daily skipping the kept ones. Without one, every fund is read, side by side with the export.
 */
async function dailyFromApi(
  api: string,
  exportDocument: Promise<ExportDocument>,
  daily: Map<string, FundHistory>,
): Promise<number | undefined> {
  const root = process.env.AUMFLOW_SITE_CACHE;
  if (!root) {
    await eachDailyLine(api, (bytes) => {
      const { fund, history } = historyOf(bytes);
      daily.set(fund, history);
    });
    return undefined;
  }
  const dir = historyCacheDir(root, api);
  const { funds } = await exportDocument;
  const wanted = new Map<string, FundSummary>();
  for (const fund of funds) {
    const kept = readCachedHistory(dir, fund);
    if (kept) daily.set(fund.ticker, kept);
    else wanted.set(fund.ticker, fund);
  }
  const keep = (bytes: Uint8Array, ticker?: string) => {
    const { fund, history } = historyOf(bytes, ticker);
    const summary = wanted.get(fund);
    daily.set(fund, summary ? writeCachedHistory(dir, summary, history) : history);
  };
  if (wanted.size === 0) return 0;
  if (wanted.size <= FETCH_ONE_BY_ONE) {
    await forEachLimited([...wanted.keys()], DAILY_CONCURRENCY, async (ticker) =>
      keep(await fromApi(api)(`funds/${encodeURIComponent(ticker)}/daily`), ticker),
    );
    return wanted.size;
  }
  await eachDailyLine(api, (bytes) => {
    const fund = FUND_FIELD.exec(Buffer.from(bytes.subarray(0, 200)).toString("utf8"))?.[1];
    if (fund === undefined || wanted.has(JSON.parse(`"${fund}"`) as string)) keep(bytes);
  });
  return wanted.size;
}

/** The fund an answer line is about, from its first bytes: `{"fund":"IBIT","rows":[…]}`. */
const FUND_FIELD = /^\{"fund":"((?:[^"\\]|\\.)*)"/;

/**
 * Every fund's daily answer from GET /v1/daily, a page of funds per request (one answer per line);
 * the next page is asked for while this one is read, so the API and the build work side by side.
 */
async function eachDailyLine(api: string, onLine: (bytes: Uint8Array) => void): Promise<void> {
  const page = (after?: string | null) =>
    get(`${api}/v1/daily?limit=${DAILY_PAGE}${after ? `&after=${encodeURIComponent(after)}` : ""}`);
  let response: Promise<Response> | undefined = page();
  while (response) {
    const current: Response = await response;
    const after = current.headers.get("next-after");
    response = after ? page(after) : undefined;
    const body = new Uint8Array(await current.arrayBuffer());
    for (let start = 0; start < body.length; ) {
      const end = body.indexOf(NEWLINE, start);
      const stop = end === -1 ? body.length : end;
      if (stop > start) onLine(body.subarray(start, stop));
      start = stop + 1;
    }
  }
}

/**
 * Pages through GET /v1/revisions (by revision id): the restatements (restated=true), which are the
 * only revisions pages show as such, or every corporate action (entity=event), first records included.
 */
async function allRevisions(api: string, query = "restated=true"): Promise<RevisionRow[]> {
  const restated = query === "restated=true";
  const kept: RevisionRow[] = [];
  let since: string | undefined;
  do {
    const url = `${api}/v1/revisions?${query}&limit=10000${since ? `&since=${since}` : ""}`;
    const page = (await getJson(url)) as RevisionPage;
    kept.push(...(restated ? page.revisions.filter(isRestatement) : page.revisions));
    since = page.next_since;
  } while (since);
  return kept;
}

/** Reads one document's bytes: the daily rows are kept as the API wrote them (see rowsBytes). */
type Reader = (document: string) => Promise<Uint8Array>;

function fromDirectory(dir: string): Reader {
  return async (document) => {
    const file = path.join(dir, `${document}.json`);
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`cannot read ${file} (AUMFLOW_EXPORT_DIR): ${(error as Error).message}`);
    }
  };
}

function parse(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (error) {
    throw new Error(`${what}: not JSON (${(error as Error).message})`);
  }
}

const NEWLINE = 0x0a;
const CLOSING_BRACE = 0x7d;

/**
 * The bytes of the rows array inside an answer written `{"fund":"IBIT","rows":[…]}`, which is how the
 * API writes it, with the newline the open data file ends with. The file then is the API's own
 * text, and a thousand funds' rows are not written out again. Undefined for any other layout.
 */
function rowsBytes(answer: Uint8Array, ticker: string): Bytes | undefined {
  const head = Buffer.from(`{"fund":${JSON.stringify(ticker)},"rows":`);
  let end = answer.length;
  while (end > 0 && answer[end - 1] !== CLOSING_BRACE) end--;
  if (end <= head.length || !head.equals(answer.subarray(0, head.length))) return undefined;
  const rows = new Uint8Array(end - head.length);
  rows.set(answer.subarray(head.length, end - 1));
  rows[rows.length - 1] = NEWLINE;
  return rows;
}

function fromApi(api: string): Reader {
  return async (document) => new Uint8Array(await (await get(`${api}/v1/${document}`)).arrayBuffer());
}

async function getJson(url: string): Promise<unknown> {
  return (await get(url)).json();
}

/**
 * How often a build waits out a busy API: 503 while a large write's figures are being recomputed, 429
 * when rate limited. Each wait is the answer's Retry-After (2 s when it gives none).
 */
const BUSY_RETRIES = 30;

async function get(url: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: "application/json" } });
    } catch (error) {
      throw new Error(
        `cannot reach ${url}: ${(error as Error).message}. Start the API (npm start) or set AUMFLOW_API / AUMFLOW_EXPORT_DIR.`,
      );
    }
    if ((response.status === 503 || response.status === 429) && attempt < BUSY_RETRIES) {
      const seconds = Number(response.headers.get("retry-after")) || 2;
      await response.body?.cancel();
      console.log(`aumflow: ${url} answered ${response.status}; asking again in ${seconds} s`);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
    return response;
  }
}

/**
 * The export as one document (next: null). From the API, GET /v1/export?year=all: one snapshot of
 * every year in one answer (pages read one after another under a steady feed of writes are never all
 * of one data_version). Saved answers: export.json whole (as saved before the export was paged), or
 * the first page with each later one beside it as export-YYYY.json, their aggregates appended to the
 * first's; pages of different data_versions are refused.
 */
async function readExport(
  read: (document: string) => Promise<unknown>,
  saved: boolean,
): Promise<ExportDocument> {
  if (!saved) return checkExport(await read("export?year=all"));
  const doc = checkExport(await read("export"));
  const aggregates = { ...doc.aggregates };
  for (let next = doc.next ?? null; next !== null; ) {
    const year = next.match(/[?&]year=(\d{4})(&|$)/)?.[1];
    if (!year) throw new Error(`the export's next page ${next} names no year`);
    const page = checkExportPage(await read(`export-${year}`), year);
    if (page.data_version !== doc.data_version)
      throw new Error(
        `export-${year}.json is of data_version ${page.data_version}, export.json of ${doc.data_version}`,
      );
    for (const period of EXPORT_PERIODS)
      aggregates[period] = aggregates[period].concat(page.aggregates[period]);
    next = page.next ?? null;
  }
  return { ...doc, aggregates, next: null };
}

const EXPORT_PERIODS = ["day", "week", "month", "ytd"] as const;

function checkExportPage(value: unknown, year: string): ExportYearPage {
  const page = value as ExportYearPage;
  const missing = [
    typeof page?.data_version !== "number" && "data_version",
    ...EXPORT_PERIODS.filter((period) => !Array.isArray(page?.aggregates?.[period])).map(
      (period) => `aggregates.${period}`,
    ),
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`the export's page of ${year} lacks ${missing.join(", ")}`);
  return page;
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
