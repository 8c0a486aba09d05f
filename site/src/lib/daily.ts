// Every fund's daily rows for the build: from the API (GET /v1/daily, or one fund at a time), kept
// between builds by days_version (history-cache.ts), or from saved answers (daily/<TICKER>.json).
import type { ExportDocument, FundDayRow, FundSummary } from "../../../shared/export.ts";
import { forEachLimited, fromApi, get, parse, type Reader } from "./api-reads.ts";
import { type Bytes, type FundHistory, toHistory } from "./history.ts";
import { historyCacheDir, readCachedHistory, writeCachedHistory } from "./history-cache.ts";

interface FundDaily {
  fund: string;
  rows: FundDayRow[];
}

/** Files read at once from a directory of saved answers. */
const DAILY_CONCURRENCY = 8;

/** Funds per GET /v1/daily (its most): a thousand funds' ten years are 1.4 GB of JSON, 14 MB a page. */
const DAILY_PAGE = 10;

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
export async function dailyFromApi(
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

/** Every fund the saved export names, from its daily/<TICKER>.json. */
export async function dailyFromFiles(
  readBytes: Reader,
  exportDocument: Promise<ExportDocument>,
  daily: Map<string, FundHistory>,
): Promise<undefined> {
  const { funds } = await exportDocument;
  await forEachLimited(
    funds.map((fund) => fund.ticker),
    DAILY_CONCURRENCY,
    async (ticker) => {
      const { fund, history } = historyOf(await readBytes(`daily/${ticker}`), ticker);
      daily.set(fund, history);
    },
  );
  return undefined;
}
