// Compressed answers only for clients that accept them, on the real runtime (wrangler dev, where the
// Worker sees Accept-Encoding rewritten to "br, gzip" as on Cloudflare): after a gzip client has made
// the read cache hold an answer, a client asking for identity, and one that names no encoding (curl
// without --compressed), get the plain JSON; the gzip client gets gzip. Every form says
// Vary: Accept-Encoding, and the ETag revalidates to 304.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyLocalMigrations,
  type LocalServer,
  startLocalServer,
} from "../../../../scripts/lib/local-server.ts";

const persistTo = mkdtempSync(path.join(tmpdir(), "aumflow-compression-"));
let server: LocalServer;

beforeAll(async () => {
  await applyLocalMigrations(persistTo);
  server = await startLocalServer({ persistTo, vars: { ADMIN_TOKEN: "t" } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

/** A GET with exactly these headers (fetch would add its own Accept-Encoding and decode). */
function get(pathname: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const request = http.get(new URL(pathname, server.url), { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      });
      request.on("error", reject);
    },
  );
}

it("sends the cached answer gzipped only to a client that accepts gzip", async () => {
  const first = await get("/v1/openapi.json", { "accept-encoding": "gzip, deflate, br" });
  expect(first.status).toBe(200);
  const gzipped = await get("/v1/openapi.json", { "accept-encoding": "gzip, deflate, br" });
  expect(gzipped.headers["content-encoding"]).toBe("gzip");
  expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
  const plain = gunzipSync(gzipped.body).toString();
  expect(JSON.parse(plain)).toHaveProperty("openapi");

  const clients: Record<string, string>[] = [
    { "accept-encoding": "identity" },
    {},
    { "accept-encoding": "gzip;q=0, identity" },
  ];
  for (const headers of clients) {
    const answer = await get("/v1/openapi.json", headers);
    const label = JSON.stringify(headers);
    expect(answer.status, label).toBe(200);
    expect(answer.headers["content-encoding"], label).toBeUndefined();
    expect(answer.headers.vary, label).toMatch(/Accept-Encoding/i);
    expect(answer.body.toString(), label).toBe(plain);
  }

  const etag = gzipped.headers.etag ?? "";
  expect(etag).toMatch(/^W\//);
  const revalidated = await get("/v1/openapi.json", { "if-none-match": etag });
  expect(revalidated.status).toBe(304);
  expect(revalidated.headers.vary).toMatch(/Accept-Encoding/i);
}, 60_000);
