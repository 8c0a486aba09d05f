// Answers to public reads kept in the isolate's memory, keyed by data_version and request. Reads only
// change when data_version moves, so a read of unchanged data costs one D1 query (the version, which
// the ETag needs anyway) instead of its queries and computation: /v1/aggregate re-derives weekly
// rollups and indicators for every group from every day, 75 ms of CPU for 20 funds.
// Bounded well inside a Worker's 128 MB; every entry is dropped when the version moves.

const MAX_BYTES = 40 * 1024 * 1024;
/**
 * /v1/aggregate?by=issuer&period=week over ten years of a thousand funds is about 8 MB; a bigger
 * answer (the streamed export) is sent without being kept, and never held whole for the cache.
 */
const MAX_ENTRY_BYTES = 12 * 1024 * 1024;
/** How long a read waits for the same read being computed by another request before doing it too. */
const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 20;

interface Entry {
  body: ArrayBuffer;
  /** The body gzipped once, for clients that accept it: a big read is mostly bytes to send. */
  gzip: ArrayBuffer | null;
  headers: [string, string][];
}

/** Bodies smaller than this are sent as they are: compressing them saves less than it costs. */
const GZIP_FROM_BYTES = 8 * 1024;

let version = -1;
let bytes = 0;
/** In order of last use: the first key is the one to drop. */
const entries = new Map<string, Entry>();
/** Reads being computed now: concurrent requests for one of them wait for it instead of repeating it. */
const computing = new Set<string>();

/** The key of a read: the version, the representation (JSON or CSV) and the URL. */
export function readKey(dataVersion: number, url: string, csv: boolean): string {
  return `${dataVersion} ${csv ? "csv" : "json"} ${url}`;
}

function forgetOlderVersions(dataVersion: number): void {
  if (dataVersion === version) return;
  entries.clear();
  bytes = 0;
  version = dataVersion;
}

/**
 * Whether the client accepts a gzipped body. Cloudflare (and wrangler dev, which mimics it) replaces
 * the Accept-Encoding a Worker sees with "br, gzip" whatever the client sent, and keeps the client's
 * own in request.cf.clientAcceptEncoding: that one decides. No Accept-Encoding at all (curl without
 * --compressed) gets the plain body; "gzip;q=0" refuses gzip, and "*" accepts it unless gzip is refused.
 */
export function acceptsGzip(request: Request): boolean {
  const cf = (request as { cf?: { clientAcceptEncoding?: unknown } }).cf;
  const header =
    typeof cf?.clientAcceptEncoding === "string"
      ? cf.clientAcceptEncoding
      : (request.headers.get("accept-encoding") ?? "");
  let gzip: number | null = null;
  let any: number | null = null;
  for (const part of header.split(",")) {
    const [coding = "", ...parameters] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isNaN(weight)) continue;
    if (coding === "gzip" || coding === "x-gzip") gzip = Math.max(gzip ?? 0, weight);
    else if (coding === "*") any = Math.max(any ?? 0, weight);
  }
  return (gzip ?? any ?? 0) > 0;
}

/** The headers with Accept-Encoding among the Vary ones: the body depends on it. */
function varyOnEncoding(headers: Headers): Headers {
  const vary = headers.get("Vary");
  if (!vary) headers.set("Vary", "Accept-Encoding");
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary))
    headers.set("Vary", `${vary}, Accept-Encoding`);
  return headers;
}

/**
 * The cached answer to `key`, gzipped only if the client accepts it (acceptsGzip), or null. Both
 * forms carry Vary: Accept-Encoding, so a shared cache keeps them apart, and the same ETag (weak:
 * the same data, whatever the encoding), so If-None-Match works from either.
 */
export function cachedRead(dataVersion: number, key: string, acceptsGzip = false): Response | null {
  forgetOlderVersions(dataVersion);
  const entry = entries.get(key);
  if (!entry) return null;
  entries.delete(key);
  entries.set(key, entry);
  const headers = varyOnEncoding(new Headers(entry.headers));
  if (!acceptsGzip || !entry.gzip) return new Response(entry.body, { status: 200, headers });
  headers.set("Content-Encoding", "gzip");
  headers.delete("Content-Length");
  // "manual": the body is already gzipped; the runtime must send it as it is.
  return new Response(entry.gzip, { status: 200, headers, encodeBody: "manual" });
}

async function gzipped(body: ArrayBuffer): Promise<ArrayBuffer> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** The whole body, or null (and the copy given up) once it passes MAX_ENTRY_BYTES. */
async function bodyUpToLimit(response: Response): Promise<ArrayBuffer | null> {
  const reader = response.clone().body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > MAX_ENTRY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

export async function rememberRead(dataVersion: number, key: string, response: Response): Promise<void> {
  forgetOlderVersions(dataVersion);
  // The answer being sent now says so too: later answers to the same URL may be gzipped.
  varyOnEncoding(response.headers);
  const body = await bodyUpToLimit(response);
  if (body === null) return;
  const gzip = body.byteLength >= GZIP_FROM_BYTES ? await gzipped(body) : null;
  entries.set(key, { body, gzip, headers: [...response.headers] });
  bytes += body.byteLength + (gzip?.byteLength ?? 0);
  for (const [oldest, entry] of entries) {
    if (bytes <= MAX_BYTES) break;
    entries.delete(oldest);
    bytes -= entry.body.byteLength + (entry.gzip?.byteLength ?? 0);
  }
}

/**
 * Null when this request should compute the read (it then calls doneComputing); else the answer
 * another request computed meanwhile. Waiting polls the cache, so no promise crosses requests.
 */
export async function awaitOtherRead(
  dataVersion: number,
  key: string,
  acceptsGzip: boolean,
): Promise<Response | null> {
  if (!computing.has(key)) {
    computing.add(key);
    return null;
  }
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  while (computing.has(key) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const answer = cachedRead(dataVersion, key, acceptsGzip);
  if (!answer) computing.add(key);
  return answer;
}

export function doneComputing(key: string): void {
  computing.delete(key);
}
