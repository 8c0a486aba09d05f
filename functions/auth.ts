// Bearer tokens: the deployment's ADMIN_TOKEN has every scope; provider tokens are stored as SHA-256
// hashes and may be limited to some funds. Comparisons are constant-time.
import type { MiddlewareHandler } from "hono";
import { SCOPES, type Scope } from "../shared/domain.ts";
import { findTokenByHash } from "./db/tokens.ts";
import { Problem } from "./problem.ts";
import { limitRate } from "./ratelimit.ts";

export interface Caller {
  id: string;
  name: string;
  scopes: readonly Scope[];
  /** Tickers the caller may write; null for every fund. */
  funds: readonly string[] | null;
  admin: boolean;
}

export type AppEnv = { Bindings: Env; Variables: { caller: Caller; requestId: string } };

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Constant-time equality of two hex digests of equal length. */
function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

async function identify(env: Env, token: string): Promise<Caller | null> {
  const hash = await sha256Hex(token);
  if (env.ADMIN_TOKEN && digestsEqual(hash, await sha256Hex(env.ADMIN_TOKEN))) {
    return { id: "admin", name: "admin", scopes: SCOPES, funds: null, admin: true };
  }
  const row = await findTokenByHash(env.DB, hash);
  if (!row || row.revoked_at || !digestsEqual(hash, row.token_hash)) return null;
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    funds: row.funds ? (JSON.parse(row.funds) as string[]) : null,
    admin: false,
  };
}

/** Requires a valid token holding `scope` ("admin" for admin-only routes). */
export function requireScope(scope: Scope | "admin"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (!match?.[1]) {
      throw new Problem(401, "Send a token as Authorization: Bearer <token>.", [], {
        "WWW-Authenticate": 'Bearer realm="aumflow"',
      });
    }
    const caller = await identify(c.env, match[1]);
    if (!caller) {
      throw new Problem(401, "The token is unknown or revoked.", [], {
        "WWW-Authenticate": 'Bearer error="invalid_token"',
      });
    }
    await limitRate(c.env, caller);
    const allowed = scope === "admin" ? caller.admin : caller.scopes.includes(scope);
    if (!allowed) throw new Problem(403, `The token lacks the ${scope} scope.`);
    c.set("caller", caller);
    await next();
  };
}

/**
 * Pointers to rows naming a fund the caller may not write. A former ticker (ticker_aliases) means its
 * fund, on either side: a token limited to a fund may write it under its former ticker, and a token
 * that names a fund by a ticker it has since changed still reaches it.
 */
export async function fundsOutOfReach(
  db: D1Database,
  caller: Caller,
  rows: readonly { pointer: string; fund: string }[],
): Promise<{ pointer: string; detail: string }[]> {
  if (!caller.funds) return [];
  const named = new Set(caller.funds);
  let canonical = (ticker: string) => ticker;
  if (rows.some((row) => !named.has(row.fund))) {
    const tickers = [...new Set([...caller.funds, ...rows.map((row) => row.fund)])];
    const { results } = await db
      .prepare("SELECT alias, ticker FROM ticker_aliases WHERE alias IN (SELECT value FROM json_each(?1))")
      .bind(JSON.stringify(tickers))
      .all<{ alias: string; ticker: string }>();
    const aliases = new Map(results.map((row) => [row.alias, row.ticker]));
    canonical = (ticker) => aliases.get(ticker) ?? ticker;
  }
  const allowed = new Set(caller.funds.map(canonical));
  return rows
    .filter((row) => !allowed.has(canonical(row.fund)))
    .map((row) => ({ pointer: row.pointer, detail: `this token may not write fund ${row.fund}` }));
}
