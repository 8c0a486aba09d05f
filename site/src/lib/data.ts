// The one place the site gets its data, once per build. Everything comes from the API's own answers
// (GET /v1/export; every fund's daily rows from /v1/daily; from /v1/revisions the restatements, the
// corporate actions and the holdings marks; every source's closes from /v1/prices), or from the same
// documents saved as files when AUMFLOW_EXPORT_DIR is set (export.json, daily/<TICKER>.json as
// /v1/funds/{t}/daily answers, revisions.json, and events.json, holdings.json and prices.json when
// the folder has them).
import path from "node:path";
import type { ExportDocument, ExportYearPage, RevisionRow } from "../../../shared/export.ts";
import { fromApi, fromDirectory, getJson, parse, type Reader } from "./api-reads.ts";
import { dailyFromApi, dailyFromFiles } from "./daily.ts";
import type { FundHistory } from "./history.ts";

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
  const exportDocument = readExport(read, Boolean(dir));
  // From files, the export names the funds to read; from the API, the three reads go side by side.
  const [doc, revisions, events, holdings, prices, fundsRead] = await Promise.all([
    exportDocument,
    dir ? read("revisions").then((page) => (page as RevisionPage).revisions) : allRevisions(api),
    dir ? readOptional(readBytes, "events") : allRevisions(api, "entity=event"),
    dir ? readOptional(readBytes, "holdings") : allRevisions(api, "entity=holding"),
    dir ? readOptional(readBytes, "prices", "prices") : pricesOf(api),
    dir ? dailyFromFiles(readBytes, exportDocument, daily) : dailyFromApi(api, exportDocument, daily),
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
