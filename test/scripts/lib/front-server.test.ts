// The front server npm start listens with: the site served as Workers static assets serve it
// (auto-trailing-slash, the nearest 404.html, ETag), switched to a new build at once, and the
// Worker's routes (wrangler.toml run_worker_first) passed through to the API untouched, held while the
// API restarts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FrontServer,
  readWorkerFirst,
  routeMatcher,
  startFrontServer,
} from "../../../scripts/lib/front-server.ts";

const work = mkdtempSync(path.join(tmpdir(), "aumflow-front-"));
let front: FrontServer;
let api: http.Server;
let apiUrl = "";
const seen: { method?: string; url?: string; host?: string; body: string }[] = [];

function build(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function get(
  pathname: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return fetch(`${front.url}${pathname}`, { redirect: "manual", ...init });
}

beforeAll(async () => {
  api = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      seen.push({ method: request.method, url: request.url, host: request.headers.host, body });
      response.writeHead(201, { "content-type": "application/json", "x-api": "yes" });
      response.end(JSON.stringify({ echoed: body.length }));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  front = await startFrontServer({ port: 0, api: apiUrl, siteDir: null, workerFirst: readWorkerFirst() });
});

afterAll(async () => {
  await front?.close();
  await new Promise((resolve) => api.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe("the site", () => {
  it("says it is being built until a build is published", async () => {
    const answer = await get("/");
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(await answer.text()).toContain("being built");
  });

  it("serves a build as Workers static assets do", async () => {
    front.publishSite(
      build("one", {
        "index.html": "<h1>home one</h1>",
        "funds/index.html": "<h1>funds</h1>",
        "funds/IBIT/index.html": "<h1>IBIT</h1>",
        "about.html": "<h1>about</h1>",
        "data/funds.json": "[]",
        "404.html": "<h1>not here</h1>",
        "funds/404.html": "<h1>no such fund</h1>",
      }),
    );
    const home = await get("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await home.text()).toBe("<h1>home one</h1>");
    expect((await get("/funds/IBIT/")).status).toBe(200);
    const slashless = await get("/funds/IBIT?x=1");
    expect([slashless.status, slashless.headers.get("location")]).toEqual([307, "/funds/IBIT/?x=1"]);
    const index = await get("/funds/index.html");
    expect([index.status, index.headers.get("location")]).toEqual([307, "/funds/"]);
    const html = await get("/about.html");
    expect([html.status, html.headers.get("location")]).toEqual([307, "/about"]);
    expect(await (await get("/about")).text()).toBe("<h1>about</h1>");
    const json = await get("/data/funds.json");
    expect(json.headers.get("content-type")).toBe("application/json");
    const missing = await get("/funds/NOPE/");
    expect([missing.status, await missing.text()]).toEqual([404, "<h1>no such fund</h1>"]);
    expect(await (await get("/nowhere/at/all")).text()).toBe("<h1>not here</h1>");
    expect((await get("/../../etc/passwd")).status).toBe(404);
    expect((await get("/%2e%2e/%2e%2e/etc/passwd")).status).toBe(404);
    const head = await get("/", { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, "17"]);
    expect((await get("/", { method: "POST", body: "x" })).status).toBe(405);
    const etag = home.headers.get("etag") ?? "";
    expect((await get("/", { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("switches to a new build at once", async () => {
    front.publishSite(build("two", { "index.html": "<h1>home two</h1>" }));
    expect(await (await get("/")).text()).toBe("<h1>home two</h1>");
    expect((await get("/funds/IBIT/")).status).toBe(404);
  });
});

describe("the Worker's routes", () => {
  it("match wrangler.toml's run_worker_first", () => {
    const toWorker = routeMatcher(readWorkerFirst());
    for (const pathname of ["/v1/health", "/v1/funds/IBIT/daily", "/mcp", "/llms.txt"]) {
      expect(toWorker(pathname), pathname).toBe(true);
    }
    for (const pathname of ["/", "/v1", "/funds/", "/mcp/x", "/llms.txt.bak"]) {
      expect(toWorker(pathname), pathname).toBe(false);
    }
    expect(routeMatcher(["/api/*", "!/api/static/*"])("/api/static/x")).toBe(false);
  });

  it("pass through to the API as they are: method, path, Host, body, status and headers", async () => {
    const body = JSON.stringify({ flows: Array.from({ length: 2000 }, (_, i) => ({ i })) });
    const answer = await get("/v1/flows?dry_run=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("x-api")).toBe("yes");
    expect(await answer.json()).toEqual({ echoed: body.length });
    const last = seen.at(-1);
    expect(last).toMatchObject({
      method: "POST",
      url: "/v1/flows?dry_run=true",
      host: new URL(front.url).host,
    });
  });

  it("wait while the API restarts, and answer 503 with Retry-After when it is not there", async () => {
    front.setApi(null);
    const waiting = get("/v1/health");
    await new Promise((resolve) => setTimeout(resolve, 300));
    front.setApi(apiUrl);
    expect((await waiting).status).toBe(201);

    front.setApi("http://127.0.0.1:9");
    const refused = await get("/v1/health");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    front.setApi(apiUrl);
  });
});
