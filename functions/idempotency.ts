// Idempotency-Key (docs/api.md): a retry with the same key and body replays the first response; the same
// key with another body is 422; a retry while the first is running is 409. The successful write
// completes its record in the same transaction as the ledger rows (ledger/write-protocol.ts), so a
// crash can never leave a stored batch without its record, nor a record without its batch.
import type { MiddlewareHandler } from "hono";
import { type AppEnv, sha256Hex } from "./auth.ts";
import { Problem } from "./problem.ts";

/** An in-flight record older than this was abandoned (the server died); a retry may take it over. */
export const IDEMPOTENCY_LEASE_MS = 15_000;
export const IDEMPOTENCY_KEEP_MS = 48 * 3600_000;

export interface IdempotencyClaim {
  tokenId: string;
  key: string;
}

interface KeyRow {
  request_hash: string;
  state: string;
  lease_until: number;
  response_status: number | null;
  response_body: string | null;
}

export const idempotency: MiddlewareHandler<
  AppEnv & { Variables: { idempotency?: IdempotencyClaim } }
> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new Problem(400, "Idempotency-Key must be 1 to 255 printable ASCII characters.");
  }
  const claim = { tokenId: c.get("caller").id, key };
  const requestHash = await sha256Hex(
    `${c.req.method} ${c.req.path}?${new URL(c.req.url).search}\n${await c.req.text()}`,
  );
  const now = Date.now();
  const db = c.env.DB;
  const claimed = await db
    .prepare(
      `INSERT INTO idempotency_keys (token_id, key, request_hash, state, lease_until, created_at)
       VALUES (?1, ?2, ?3, 'in_flight', ?4, ?5) ON CONFLICT DO NOTHING`,
    )
    .bind(claim.tokenId, key, requestHash, now + IDEMPOTENCY_LEASE_MS, now)
    .run();
  if (claimed.meta.changes === 0) {
    const existing = await db
      .prepare(
        "SELECT request_hash, state, lease_until, response_status, response_body FROM idempotency_keys WHERE token_id = ? AND key = ?",
      )
      .bind(claim.tokenId, key)
      .first<KeyRow>();
    if (!existing)
      throw new Problem(409, "This Idempotency-Key is being used by another request; retry shortly.");
    if (existing.request_hash !== requestHash) {
      throw new Problem(422, "This Idempotency-Key was used with another request body.", [
        { pointer: "", detail: "Idempotency-Key reused with a different body" },
      ]);
    }
    if (existing.state === "done") return replay(existing);
    if (existing.lease_until > now || !(await takeOver(db, claim, existing.lease_until, now))) {
      throw new Problem(409, "A request with this Idempotency-Key is still running; retry shortly.", [], {
        "Retry-After": "1",
      });
    }
  }
  c.set("idempotency", claim);
  await next();
  await settle(db, claim, c.res);
};

function replay(row: KeyRow): Response {
  const status = row.response_status ?? 200;
  return new Response(row.response_body, {
    status,
    headers: {
      "Content-Type": status === 200 ? "application/json" : "application/problem+json",
      "Idempotent-Replayed": "true",
    },
  });
}

async function takeOver(db: D1Database, claim: IdempotencyClaim, oldLease: number, now: number) {
  const result = await db
    .prepare(
      "UPDATE idempotency_keys SET lease_until = ? WHERE token_id = ? AND key = ? AND state = 'in_flight' AND lease_until = ?",
    )
    .bind(now + IDEMPOTENCY_LEASE_MS, claim.tokenId, claim.key, oldLease)
    .run();
  return result.meta.changes === 1;
}

/**
 * A successful write has already completed its record inside its own transaction (the update below
 * then matches nothing). Any other answer but a server error is kept for replay; a server error, or a
 * 409/429 that says "later", frees the key for a retry.
 */
async function settle(db: D1Database, claim: IdempotencyClaim, response: Response) {
  const retryable = response.status >= 500 || response.status === 409 || response.status === 429;
  if (retryable) {
    await db
      .prepare("DELETE FROM idempotency_keys WHERE token_id = ? AND key = ? AND state = 'in_flight'")
      .bind(claim.tokenId, claim.key)
      .run();
    return;
  }
  await db
    .prepare(
      "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE token_id = ? AND key = ? AND state = 'in_flight'",
    )
    .bind(response.status, await response.clone().text(), claim.tokenId, claim.key)
    .run();
}

export async function forgetExpiredKeys(db: D1Database, now = Date.now()) {
  await db
    .prepare("DELETE FROM idempotency_keys WHERE created_at < ?")
    .bind(now - IDEMPOTENCY_KEEP_MS)
    .run();
}
