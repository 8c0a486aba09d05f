// The product as `npm start` runs it, for tests: a fresh local D1/KV in a temporary directory, the
// migrations applied, `wrangler dev` on a free port, and the demo data loaded through the importer.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runImport } from "../../scripts/import.ts";
import { DEMO_FILES } from "../../scripts/lib/demo.ts";
import { applyLocalMigrations, type LocalServer, startLocalServer } from "../../scripts/lib/local-server.ts";
import { freePort } from "../../scripts/lib/processes.ts";

export const TEST_ADMIN_TOKEN = "local-product-admin-token";

export async function startProduct(
  options: { demo?: boolean } = {},
): Promise<LocalServer & { persistTo: string }> {
  const persistTo = mkdtempSync(join(tmpdir(), "aumflow-state-"));
  await applyLocalMigrations(persistTo);
  const server = await startLocalServer({
    port: await freePort(),
    persistTo,
    vars: { ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  if (options.demo !== false) {
    const quiet = { write: () => true };
    await runImport({ files: DEMO_FILES, api: server.url, token: TEST_ADMIN_TOKEN, stderr: quiet });
  }
  return { ...server, persistTo };
}
