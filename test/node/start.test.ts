// The local product on the embedded defaults: migrations, wrangler dev, the demo data through the
// importer, and a second import that changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runImport } from "../../scripts/import.ts";
import { DEMO_FILES } from "../../scripts/lib/demo.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "./local-product.ts";

let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
}, 240_000);

afterAll(async () => {
  await product?.stop();
});

it("serves the demo data and loads nothing twice", async () => {
  const health = (await (await fetch(`${product.url}/v1/health`)).json()) as { data_version: number };
  const summary = (await (await fetch(`${product.url}/v1/summary`)).json()) as { report_date: string };
  expect(summary.report_date).toBe("2024-11-01");
  const again = await runImport({
    files: DEMO_FILES,
    api: product.url,
    token: TEST_ADMIN_TOKEN,
    stderr: { write: () => true },
  });
  for (const totals of Object.values(again.totals)) expect(totals.inserted + totals.restated).toBe(0);
  const after = (await (await fetch(`${product.url}/v1/health`)).json()) as { data_version: number };
  expect(after.data_version).toBe(health.data_version);
}, 240_000);
