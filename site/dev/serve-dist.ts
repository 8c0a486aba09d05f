// Serves a built site the way Workers static assets do (html_handling "auto-trailing-slash",
// not_found_handling "404-page"), for previewing a build and for the browser tests.
//   node site/dev/serve-dist.ts [dir] [--port 4321]
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** What a request path maps to: a file, a redirect to the slash form, or the 404 page. */
async function resolve(dir: string, pathname: string) {
  const file = path.join(dir, pathname);
  if (!file.startsWith(dir)) return { status: 404, file: path.join(dir, "404.html") };
  if (pathname.endsWith("/") && (await isFile(path.join(file, "index.html")))) {
    return { status: 200, file: path.join(file, "index.html") };
  }
  if (!pathname.endsWith("/") && (await isFile(file))) return { status: 200, file };
  if (!pathname.endsWith("/") && (await isFile(path.join(file, "index.html")))) {
    return { status: 307, location: `${pathname}/` };
  }
  return { status: 404, file: path.join(dir, "404.html") };
}

export function serveDist(dir: string, port = 0): Promise<{ url: string; server: Server }> {
  const root = path.resolve(dir);
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const target = await resolve(root, pathname);
    if (target.location) {
      response.writeHead(target.status, { location: target.location }).end();
      return;
    }
    const body = await readFile(target.file ?? "").catch(() => Buffer.from("not found"));
    response.writeHead(target.status, {
      "content-type": TYPES[path.extname(target.file ?? "")] ?? "text/plain",
    });
    response.end(body);
  });
  return new Promise((done) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      done({ url: `http://127.0.0.1:${actual}`, server });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values, positionals } = parseArgs({
    options: { port: { type: "string", default: "4321" } },
    allowPositionals: true,
  });
  const dir = positionals[0] ?? path.join(import.meta.dirname, "../dist");
  const { url } = await serveDist(dir, Number(values.port));
  console.log(`serving ${dir} at ${url}/`);
}
