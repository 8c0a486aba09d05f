// The built site, served as Workers static assets serve it with wrangler.toml's settings:
// html_handling "auto-trailing-slash" (the default) and not_found_handling "404-page", with an ETag,
// and a page that reloads itself while the first build is not done yet.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";

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

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>aumflow: building the site</title></head><body><h1>The site is being built</h1>
<p>aumflow builds the report site from the API's data after it starts; this page reloads itself until
the first build is done. The API answers already under <a href="/v1/docs">/v1</a>.</p></body></html>
`;

/** Answers a GET or HEAD from the site under `currentSite()`, which a new build may replace at any time. */
export async function serveSite(
  currentSite: () => string | null,
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
  const root = currentSite();
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
    if (currentSite() !== root) return serveSite(currentSite, request, response, pathname, search);
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
