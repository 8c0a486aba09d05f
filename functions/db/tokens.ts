export interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  scopes: string;
  funds: string | null;
  revoked_at: string | null;
}

export function findTokenByHash(db: D1Database, hash: string): Promise<TokenRow | null> {
  return db
    .prepare("SELECT id, name, token_hash, scopes, funds, revoked_at FROM api_tokens WHERE token_hash = ?")
    .bind(hash)
    .first<TokenRow>();
}

export async function insertToken(
  db: D1Database,
  token: { id: string; name: string; hash: string; scopes: string[]; funds: string[] | null },
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO api_tokens (id, name, token_hash, scopes, funds, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(
      token.id,
      token.name,
      token.hash,
      JSON.stringify(token.scopes),
      token.funds ? JSON.stringify(token.funds) : null,
      new Date().toISOString(),
    )
    .run();
}

/** Marks a token revoked; true when it existed and was live. */
export async function revokeToken(db: D1Database, id: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
    .bind(new Date().toISOString(), id)
    .run();
  return result.meta.changes > 0;
}
