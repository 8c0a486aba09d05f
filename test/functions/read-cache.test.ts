// The read cache's answers inside workerd: gzipped only for a client that accepts gzip, decided by
// the client's own Accept-Encoding (request.cf.clientAcceptEncoding, where Cloudflare and wrangler
// dev keep it while they rewrite the header to "br, gzip"), with Vary: Accept-Encoding on every form
// and the ETag/304 revalidation unchanged.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../functions/app.ts";
import { acceptsGzip } from "../../functions/read-cache.ts";

/**
 * A GET as the platform hands it to the Worker (the header rewritten, the client's own in cf), to
 * the app itself: its Response as built, the body as it would go on the wire.
 */
async function get(path: string, client: string | null, extra: Record<string, string> = {}) {
  const headers = { "accept-encoding": "br, gzip", ...extra };
  const cf = { clientAcceptEncoding: client ?? "" };
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://aumflow.test${path}`, { headers, cf } as RequestInit),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

async function gunzip(body: ArrayBuffer): Promise<string> {
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

describe("acceptsGzip", () => {
  const withHeader = (value: string | null, cf?: string) =>
    acceptsGzip(
      new Request("http://x/", {
        headers: value === null ? {} : { "accept-encoding": value },
        ...(cf !== undefined && { cf: { clientAcceptEncoding: cf } }),
      } as RequestInit),
    );

  it("reads the client's own Accept-Encoding, q-values included", () => {
    expect(withHeader("gzip")).toBe(true);
    expect(withHeader("gzip, deflate, br")).toBe(true);
    expect(withHeader("br;q=1.0, gzip;q=0.8")).toBe(true);
    expect(withHeader("*")).toBe(true);
    expect(withHeader(null)).toBe(false);
    expect(withHeader("")).toBe(false);
    expect(withHeader("identity")).toBe(false);
    expect(withHeader("br")).toBe(false);
    expect(withHeader("gzip;q=0, identity")).toBe(false);
    expect(withHeader("*, gzip;q=0")).toBe(false);
    expect(withHeader("gzipped")).toBe(false);
  });

  it("prefers cf.clientAcceptEncoding over the header the platform rewrote", () => {
    expect(withHeader("br, gzip", "")).toBe(false);
    expect(withHeader("br, gzip", "identity")).toBe(false);
    expect(withHeader("br, gzip", "gzip, deflate")).toBe(true);
  });
});

describe("a cached read", () => {
  it("goes gzipped to a gzip client and plain to an identity client and to one that names none", async () => {
    const first = await get("/v1/openapi.json", "gzip, deflate, br");
    expect(first.status).toBe(200);
    expect(first.headers.get("vary")).toBe("Accept-Encoding");
    const plain = await first.text();
    expect(JSON.parse(plain)).toHaveProperty("openapi");
    expect(plain.length).toBeGreaterThan(8 * 1024);

    const gzipped = await get("/v1/openapi.json", "gzip, deflate, br");
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("Accept-Encoding");
    const bytes = await gzipped.arrayBuffer();
    expect(bytes.byteLength).toBeLessThan(plain.length / 2);
    expect(await gunzip(bytes)).toBe(plain);

    for (const client of ["identity", null, "gzip;q=0, identity", "br"]) {
      const answer = await get("/v1/openapi.json", client);
      expect(answer.status, String(client)).toBe(200);
      expect(answer.headers.get("content-encoding"), String(client)).toBeNull();
      expect(answer.headers.get("vary"), String(client)).toBe("Accept-Encoding");
      expect(answer.headers.get("etag"), String(client)).toBe(first.headers.get("etag"));
      expect(await answer.text(), String(client)).toBe(plain);
    }
  });

  it("keeps ETag revalidation: 304 with Vary, from either form", async () => {
    const answer = await get("/v1/openapi.json", "gzip");
    const etag = answer.headers.get("etag");
    await answer.arrayBuffer();
    expect(etag).toMatch(/^W\/"/);
    for (const client of ["gzip", "identity"]) {
      const revalidated = await get("/v1/openapi.json", client, { "if-none-match": etag ?? "" });
      expect(revalidated.status, client).toBe(304);
      expect(revalidated.headers.get("vary"), client).toBe("Accept-Encoding");
      expect(revalidated.headers.get("etag"), client).toBe(etag);
    }
  });
});
