// What the security suites share: a checksum of everything stored, the shape every refusal must have,
// provider tokens, and the full rebuild that derived data is compared against.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { freshTicker, json } from "./api.ts";

/** Tables whose rows change by design on a refused request: Idempotency-Key records keep 4xx answers. */
const NOT_DATA = new Set(["idempotency_keys", "d1_migrations"]);

/**
 * SHA-256 over every row of every table (and every KV entry): the ledger, the revision log, tokens,
 * derived days, the queue and meta, except the recompute lease, which reads may take and give back.
 */
export async function storageChecksum(): Promise<string> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  ).all<{ name: string }>();
  const parts: string[] = [];
  for (const { name } of tables) {
    if (NOT_DATA.has(name)) continue;
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    const rows = results
      .filter((row) => !(name === "meta" && row.key === "recompute_lease"))
      .map((row) => JSON.stringify(row))
      .sort();
    parts.push(`${name}\n${rows.join("\n")}`);
  }
  const keys = await env.KV.list();
  for (const key of keys.keys) parts.push(`kv:${key.name}\n${await env.KV.get(key.name)}`);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n\n")));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

/** Internals that must never reach a client, unless the request itself carried them. */
const LEAKS = [
  /SQLITE_/i,
  /D1_ERROR/i,
  /\bat \S+ \(/,
  /\.ts:\d+/,
  /node_modules/,
  /\b(?:SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*\b(?:FROM|INTO|SET|WHERE)\b/i,
  /TypeError|ReferenceError|RangeError|SyntaxError/,
];

export function leaksOf(responseText: string, requestText = ""): RegExp[] {
  return LEAKS.filter((pattern) => pattern.test(responseText) && !pattern.test(requestText));
}

/** What is wrong with a refusal (empty when it is a 4xx problem+json naming its status, leaking nothing). */
export function problemFlaws(
  status: number,
  contentType: string | null,
  text: string,
  requestText = "",
): { flaws: string[]; body: ProblemBody | null } {
  const flaws: string[] = [];
  if (status < 400 || status >= 500) flaws.push(`status ${status}`);
  if (!/^application\/problem\+json/.test(contentType ?? "")) flaws.push(`content-type ${contentType}`);
  let body: ProblemBody | null = null;
  try {
    body = JSON.parse(text) as ProblemBody;
  } catch {
    flaws.push("body is not JSON");
  }
  if (body) {
    if (body.status !== status) flaws.push(`body status ${body.status}`);
    for (const field of ["type", "title", "detail"] as const)
      if (typeof body[field] !== "string") flaws.push(`no ${field}`);
  }
  for (const leak of leaksOf(text, requestText)) flaws.push(`leaks ${leak}`);
  return { flaws, body };
}

/** Checks a refusal: a 4xx problem+json whose body names its own status and leaks nothing. */
export function checkProblem(
  status: number,
  contentType: string | null,
  text: string,
  requestText = "",
): ProblemBody {
  const { flaws, body } = problemFlaws(status, contentType, text, requestText);
  expect(flaws, text).toEqual([]);
  return body as ProblemBody;
}

/** A JSON pointer that resolves in `body`, or names a known field its parent object lacks. */
export function pointerIsReal(body: unknown, pointer: string, fields: readonly string[]): boolean {
  if (pointer === "") return true;
  if (!pointer.startsWith("/")) return false;
  const parts = pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  let node: unknown = body;
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(part) || Number(part) >= node.length) return false;
      node = node[Number(part)];
    } else if (node !== null && typeof node === "object") {
      if (Object.hasOwn(node, part)) node = (node as Record<string, unknown>)[part];
      else return last && fields.includes(part);
    } else {
      return false;
    }
  }
  return true;
}

export const ALL_SCOPES = ["flows:write", "prices:write", "holdings:write", "funds:write", "events:write"];

export async function createToken(
  scopes: string[] = ALL_SCOPES,
  funds: string[] | null = null,
): Promise<{ id: string; token: string; name: string }> {
  const name = `provider-${freshTicker()}`;
  const result = await json<{ id: string; token: string }>("/v1/tokens", { body: { name, scopes, funds } });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return { ...result.body, name };
}
