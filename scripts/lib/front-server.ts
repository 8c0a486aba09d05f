// What `npm start` listens with on its port: the built site, served from a directory that can be
// switched to a new build at once, and every request wrangler.toml routes to the Worker first
// (run_worker_first) passed through to `wrangler dev` on a private port.
//
// Why not let wrangler serve the site: wrangler dev watches its assets directory and, on any change,
// restarts workerd (miniflare disposes the process and spawns a new one), which fails every request in
// flight ("503 Your worker restarted mid-request" for writes), and it reads the list of assets only
// when it (re)starts, so a new build cannot be served without that restart. In production a new site
// is a new deployment, which Cloudflare rolls out without cutting requests; locally the site is served
// here and wrangler's own assets directory is one nothing writes to.
//
// The site is served as Workers static assets serve it with wrangler.toml's settings: html_handling
// "auto-trailing-slash" (the default) and not_found_handling "404-page".
import { createReadStream, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface FrontServer {
  url: string;
  port: number;
  /** Serves the site from `dir` (a complete build) from the next request on; null: none yet. */
  publishSite: (dir: string | null) => void;
  siteDir: () => string | null;
  /** Where Worker requests go; null while the API restarts (they wait for it, up to API_WAIT_MS). */
  setApi: (origin: string | null) => void;
  /** When the API last answered a request passed to it (0: never). */
  lastApiAnswerAt: () => number;
  close: () => Promise<void>;
}

/** How long a Worker request waits for an API that is restarting before it is answered 503. */
const API_WAIT_MS = 30_000;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
  ".gz": "application/gzip",
  ".zip": "application/zip",
};

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

/** wrangler.toml's [assets] run_worker_first: the paths the Worker answers before any asset. */
export function readWorkerFirst(configPath = "wrangler.toml"): string[] {
  const toml = readFileSync(configPath, "utf8");
  const match = /^\s*run_worker_first\s*=\s*(\[[^\]]*\])/m.exec(toml);
  if (!match?.[1]) throw new Error(`${configPath} has no [assets] run_worker_first list`);
  const patterns = JSON.parse(match[1]) as unknown;
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === "string")) {
    throw new Error(`${configPath}: run_worker_first must be a list of path patterns`);
  }
  return patterns;
}

/** A matcher for Workers static routing patterns: `*` matches anything, `!` excludes. */
export function routeMatcher(patterns: readonly string[]): (pathname: string) => boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  const include = patterns.filter((p) => !p.startsWith("!")).map(toRegExp);
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => toRegExp(p.slice(1)));
  return (pathname) => !exclude.some((re) => re.test(pathname)) && include.some((re) => re.test(pathname));
}

async function fileSize(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
}

type Resolved =
  | { kind: "file"; file: string; status: 200 | 404 }
  | { kind: "redirect"; location: string }
  | { kind: "none" };

/** What a request path maps to under `root`: a file, a redirect to its canonical form, or the 404 page. */
export async function resolveAsset(root: string, pathname: string): Promise<Resolved> {
  const inside = (relative: string) => {
    // Dot files (the build's manifest, .assetsignore) are not the site's, as in a deployment.
    if (relative.split("/").some((segment) => segment.startsWith("."))) return null;
    const file = path.resolve(root, `.${relative}`);
    return file === root || file.startsWith(`${root}${path.sep}`) ? file : null;
  };
  const isFile = async (relative: string) => {
    const file = inside(relative);
    return file && (await fileSize(file)) ? file : null;
  };
  if (pathname.endsWith("/index.html") && (await isFile(pathname))) {
    return { kind: "redirect", location: pathname.slice(0, -"index.html".length) };
  }
  if (pathname.endsWith(".html") && !pathname.endsWith("/index.html") && (await isFile(pathname))) {
    return { kind: "redirect", location: pathname.slice(0, -".html".length) };
  }
  if (pathname.endsWith("/")) {
    const index = await isFile(`${pathname}index.html`);
    if (index) return { kind: "file", file: index, status: 200 };
    if (pathname !== "/" && (await isFile(`${pathname.slice(0, -1)}.html`))) {
      return { kind: "redirect", location: pathname.slice(0, -1) };
    }
  } else {
    const exact = await isFile(pathname);
    if (exact) return { kind: "file", file: exact, status: 200 };
    const html = await isFile(`${pathname}.html`);
    if (html) return { kind: "file", file: html, status: 200 };
    if (await isFile(`${pathname}/index.html`)) return { kind: "redirect", location: `${pathname}/` };
  }
  // The nearest 404.html, from the request's directory up to the root.
  let dir = pathname.endsWith("/") ? pathname : path.posix.dirname(pathname);
  for (;;) {
    const page = await isFile(path.posix.join(dir, "404.html"));
    if (page) return { kind: "file", file: page, status: 404 };
    if (dir === "/" || dir === "." || dir === "") return { kind: "none" };
    dir = path.posix.dirname(dir.endsWith("/") ? dir.slice(0, -1) : dir);
  }
}

function problem(response: http.ServerResponse, status: number, detail: string, retryAfter?: number): void {
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

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>aumflow: building the site</title></head><body><h1>The site is being built</h1>
<p>aumflow builds the report site from the API's data after it starts; this page reloads itself until
the first build is done. The API answers already under <a href="/v1/docs">/v1</a>.</p></body></html>
`;

export async function startFrontServer(options: {
  port: number;
  host?: string;
  api: string | null;
  siteDir: string | null;
  workerFirst?: readonly string[];
  /** Told when a request to the API fails on the way (the server died under it, say). */
  onProxyError?: (line: string) => void;
}): Promise<FrontServer> {
  const host = options.host ?? "127.0.0.1";
  const toWorker = routeMatcher(options.workerFirst ?? readWorkerFirst());
  let site = options.siteDir ? path.resolve(options.siteDir) : null;
  let api = options.api;
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

  async function toApi(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
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
      options.onProxyError?.(`${request.method} ${request.url}: the local API failed the request (${code})`);
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

  async function toSite(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    pathname: string,
    search: string,
  ): Promise<void> {
    request.resume();
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const root = site;
    if (!root) {
      response.writeHead(503, {
        "content-type": "text/html; charset=utf-8",
        "retry-after": "5",
        "cache-control": "no-store",
      });
      response.end(request.method === "HEAD" ? undefined : NOT_BUILT);
      return;
    }
    const target = await resolveAsset(root, pathname);
    if (target.kind === "redirect") {
      response.writeHead(307, { location: `${target.location}${search}` }).end();
      return;
    }
    if (target.kind === "none") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    const info = await fileSize(target.file);
    if (!info) {
      // The build was replaced between resolving and reading: resolve again in the new one.
      if (site !== root) return toSite(request, response, pathname, search);
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    const etag = `"${info.size.toString(16)}-${Math.round(info.mtimeMs).toString(16)}"`;
    const headers = {
      "content-type": TYPES[path.extname(target.file)] ?? "application/octet-stream",
      "cache-control": "public, max-age=0, must-revalidate",
      etag,
    };
    if (target.status === 200 && request.headers["if-none-match"] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(target.status, { ...headers, "content-length": info.size });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const stream = createReadStream(target.file);
    stream.on("error", () => response.destroy());
    stream.pipe(response);
  }

  const server = http.createServer((request, response) => {
    let url: URL;
    let pathname: string;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
      pathname = decodeURIComponent(url.pathname);
      if (pathname.includes("\0")) throw new Error("NUL in path");
    } catch {
      request.resume();
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("Bad Request");
      return;
    }
    const handled = toWorker(url.pathname)
      ? toApi(request, response)
      : toSite(request, response, pathname, url.search);
    handled.catch((error: unknown) => problem(response, 500, `The local server failed: ${String(error)}`));
  });
  // Bulk imports send batches that take the API minutes to answer on a slow machine.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${options.port} is taken (another aumflow, or another program, listens there)`)
          : error,
      ),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    publishSite: (dir) => {
      site = dir ? path.resolve(dir) : null;
    },
    siteDir: () => site,
    lastApiAnswerAt: () => lastApiAnswer,
    setApi: (origin) => {
      api = origin;
      if (origin) {
        const waiting = apiBack;
        apiBack = [];
        for (const wake of waiting) wake();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of apiBack) wake();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
