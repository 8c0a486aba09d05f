// The Worker's requests passed through to `wrangler dev` untouched but for the hop-by-hop headers,
// held while the API restarts (up to API_WAIT_MS), and a failure on the way answered as problem+json.
import http from "node:http";

/** How long a Worker request waits for an API that is restarting before it is answered 503. */
const API_WAIT_MS = 30_000;

/** Headers that describe one connection, not the message: never passed through. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

/** The failure as problem+json, or the connection cut when the answer has begun already. */
export function problem(
  response: http.ServerResponse,
  status: number,
  detail: string,
  retryAfter?: number,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({
    type: `https://aumflow.dev/problems/${status}`,
    title: http.STATUS_CODES[status] ?? "Error",
    status,
    detail,
  });
  response.writeHead(status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(body),
    ...(retryAfter !== undefined && { "retry-after": String(retryAfter) }),
  });
  response.end(body);
}

export interface ApiProxy {
  handle: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;
  /** Where requests go from now on; null while the API restarts (they wait). */
  setApi: (origin: string | null) => void;
  lastAnswerAt: () => number;
  /** Lets every waiting request go on (to its 503, when there is still no API). */
  wakeAll: () => void;
}

/** A proxy to `initial`; `onProxyError` is told when a request fails on the way (the API died under it). */
export function createApiProxy(initial: string | null, onProxyError?: (line: string) => void): ApiProxy {
  let api = initial;
  let lastApiAnswer = 0;
  let apiBack: Array<() => void> = [];

  async function waitForApi(): Promise<string | null> {
    if (api) return api;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, API_WAIT_MS);
      apiBack.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return api;
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const origin = await waitForApi();
    if (!origin) {
      request.resume();
      problem(response, 503, "The local API is restarting; retry shortly.", 2);
      return;
    }
    const target = new URL(origin);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    // One connection per request: a pooled connection that wrangler closed while idle would fail the
    // next request sent on it, and on loopback a new connection costs next to nothing.
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers,
      agent: false,
    });
    upstream.on("response", (answer) => {
      lastApiAnswer = Date.now();
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(response);
      // Cut short by the API (it died mid-answer): the client must see it cut short too.
      answer.on("error", () => response.destroy());
      answer.on("close", () => {
        if (!answer.complete) response.destroy();
      });
    });
    let clientGone = false;
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (clientGone) return;
      const code = error.code ?? error.message;
      onProxyError?.(`${request.method} ${request.url}: the local API failed the request (${code})`);
      if (error.code === "ECONNREFUSED") {
        problem(response, 503, "The local API is restarting; retry shortly.", 2);
      } else {
        problem(response, 502, `The local API closed the connection (${error.code ?? error.message}).`);
      }
    });
    response.on("close", () => {
      if (response.writableFinished) return;
      // The client went away first: its request is dropped, which is no failure of the API's.
      clientGone = true;
      upstream.destroy();
    });
    request.pipe(upstream);
  }

  return {
    handle,
    setApi: (origin) => {
      api = origin;
      if (origin) {
        const waiting = apiBack;
        apiBack = [];
        for (const wake of waiting) wake();
      }
    },
    lastAnswerAt: () => lastApiAnswer,
    wakeAll: () => {
      for (const wake of apiBack) wake();
    },
  };
}
