// Reads a JSON request body within the limits of docs/api.md: 5 MiB (413), JSON only (415), parseable (400).
import type { MiddlewareHandler } from "hono";
import { MAX_BODY_BYTES } from "../shared/schemas.ts";
import { Problem } from "./problem.ts";

export const jsonBody: MiddlewareHandler = async (c, next) => {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new Problem(415, "Send the body as application/json.");
  }
  const text = await c.req.text();
  if (!withinLimit(text)) throw tooLarge();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Problem(400, "The body is not valid JSON.");
  }
  // The route's validator and the handler read the body again with c.req.json(), which would parse
  // the text anew each time (a large batch's text is parsed in milliseconds): they get this parse.
  // Nothing that reads the body changes it.
  c.req.json = (() => Promise.resolve(parsed)) as typeof c.req.json;
  await next();
};

/** At most MAX_BODY_BYTES of UTF-8, without encoding a body that cannot be near the limit. */
function withinLimit(text: string): boolean {
  // A UTF-16 code unit is at most three bytes of UTF-8.
  if (text.length * 3 <= MAX_BODY_BYTES) return true;
  return new TextEncoder().encode(text).byteLength <= MAX_BODY_BYTES;
}

function tooLarge(): Problem {
  return new Problem(413, `The body is over ${MAX_BODY_BYTES} bytes (5 MiB); split it into smaller batches.`);
}
