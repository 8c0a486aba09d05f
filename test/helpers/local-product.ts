// The product as `npm start` runs it, for tests: a fresh local D1/KV in a temporary directory, the
// migrations applied, `wrangler dev` on a free port, and data loaded through the importer: the market
// record as `npm start` loads it, the 2024 demo sample (smaller, in Farside's printed notation), or none.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runImport } from "../../scripts/import.ts";
import { DEMO_FILES } from "../../scripts/lib/demo.ts";
import { applyLocalMigrations, type LocalServer, startLocalServer } from "../../scripts/lib/local-server.ts";
import { loadMarket } from "../../scripts/lib/market.ts";

export const TEST_ADMIN_TOKEN = "local-product-admin-token";

export async function startProduct(
  options: { data?: "market" | "demo" | "none" } = {},
): Promise<LocalServer & { persistTo: string }> {
  const persistTo = mkdtempSync(join(tmpdir(), "aumflow-state-"));
  await applyLocalMigrations(persistTo);
  const server = await startLocalServer({
    persistTo,
    vars: { ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  const quiet = { write: () => true };
  const data = options.data ?? "demo";
  if (data === "demo") {
    await runImport({ files: DEMO_FILES, api: server.url, token: TEST_ADMIN_TOKEN, stderr: quiet });
  } else if (data === "market") {
    await loadMarket({ api: server.url, token: TEST_ADMIN_TOKEN, stderr: quiet });
  }
  return { ...server, persistTo };
}
