// The local product as `npm start` runs it: migrations, wrangler dev, the market record through the
// importer with Farside's revisions replayed, and a second load that changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadMarket } from "../../scripts/lib/market.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "../helpers/local-product.ts";

let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct({ data: "market" });
}, 300_000);

afterAll(async () => {
  await product?.stop();
});

const get = async <T>(path: string): Promise<T> => (await (await fetch(`${product.url}${path}`)).json()) as T;

it("serves the market data and loads nothing twice", async () => {
  const health = await get<{ data_version: number }>("/v1/health");
  const summary = await get<{ report_date: string; headline_date: string }>("/v1/summary");
  expect(summary.report_date).toBe("2026-08-21");
  const funds = await get<{ funds: { ticker: string }[] }>("/v1/funds");
  expect(funds.funds).toHaveLength(28);
  const again = await loadMarket({
    api: product.url,
    token: TEST_ADMIN_TOKEN,
    stderr: { write: () => true },
  });
  for (const totals of Object.values(again.totals)) expect(totals.inserted + totals.restated).toBe(0);
  const after = await get<{ data_version: number }>("/v1/health");
  expect(after.data_version).toBe(health.data_version);
}, 300_000);
