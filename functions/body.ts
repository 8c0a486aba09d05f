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
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge();
  try {
    JSON.parse(text);
  } catch {
    throw new Problem(400, "The body is not valid JSON.");
  }
  await next();
};

function tooLarge(): Problem {
  return new Problem(413, `The body is over ${MAX_BODY_BYTES} bytes (5 MiB); split it into smaller batches.`);
}
