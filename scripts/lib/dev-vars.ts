// .dev.vars holds the local ADMIN_TOKEN (git-ignored); the start command creates it once.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function ensureAdminToken(path: string): { token: string; created: boolean } {
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  const match = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(existing);
  if (match?.[1]) return { token: match[1], created: false };
  const token = `af_admin_${randomBytes(24).toString("base64url")}`;
  const separator = existing && !existing.endsWith("\n") ? "\n" : "";
  writeFileSync(path, `${existing}${separator}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  return { token, created: true };
}
