// The product the soak runs on: fresh, in a temporary directory, on a frozen copy of the Worker, with
// the 2024 demo sample loaded and the site built before the feed starts.
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { runImport } from "../import.ts";
import { DEMO_FILES } from "../lib/demo.ts";
import { applyLocalMigrations, freezeWorker } from "../lib/local-server.ts";
import { type Product, startProduct } from "../lib/product.ts";

export const SOAK_TOKEN = "soak-admin-token";

/**
 * A fresh product for the soak, in a temporary directory under .wrangler (inside the repository, as
 * the site builds need: ProductOptions.workDir): an empty state, a frozen copy of the Worker (edits
 * to the sources during the run must not restart it), the demo sample loaded and the site built.
 */
export async function startSoakProduct(
  say: (line: string) => void,
): Promise<{ product: Product; work: string }> {
  const work = await mkdtemp(path.join(path.resolve(".wrangler"), "aumflow-soak-"));
  try {
    const persistTo = path.join(work, "state");
    await applyLocalMigrations(persistTo);
    const product = await startProduct({
      port: 0,
      persistTo,
      config: freezeWorker(path.join(work, "worker")),
      vars: { ADMIN_TOKEN: SOAK_TOKEN },
      workDir: path.join(work, "product"),
      say,
    });
    try {
      await runImport({
        files: DEMO_FILES,
        api: product.url,
        token: SOAK_TOKEN,
        stderr: { write: () => true },
      });
      await product.site.rebuild();
    } catch (error) {
      await product.stop();
      throw error;
    }
    return { product, work };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
