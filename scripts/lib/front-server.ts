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
// The parts: front-assets.ts serves the site as Workers static assets would, front-proxy.ts passes the
// Worker's requests through; here the routing between them, and the server that listens.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serveSite } from "./front-assets.ts";
import { createApiProxy, problem } from "./front-proxy.ts";

export { resolveAsset } from "./front-assets.ts";

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
  const currentSite = () => site;
  const api = createApiProxy(options.api, options.onProxyError);

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
      ? api.handle(request, response)
      : serveSite(currentSite, request, response, pathname, url.search);
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
    siteDir: currentSite,
    lastApiAnswerAt: api.lastAnswerAt,
    setApi: api.setApi,
    close: () =>
      new Promise<void>((resolve) => {
        api.wakeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
