// A steady feed while the site rebuilds, on the product as `npm start` runs it: 20 s of single-row
// writes at 10 a second, reads of the API and the site, a large batch every 10 s, and two site
// rebuilds forced one after the other meanwhile. Not one answer may fail (a rebuild used to restart
// the Worker under the requests in flight: "503 Your worker restarted mid-request"), and wrangler
// must not restart the Worker at all.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { soak, startSoakProduct } from "../../../scripts/bench/soak.ts";
import type { Product } from "../../../scripts/lib/product.ts";

let product: Product;
let work = "";
const said: string[] = [];

beforeAll(async () => {
  ({ product, work } = await startSoakProduct((line) => said.push(line)));
}, 240_000);

afterAll(async () => {
  await product?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

it("answers every write, batch and read while the site rebuilds twice, and never restarts the Worker", async () => {
  const figures = await soak(product, {
    seconds: 20,
    writesPerSecond: 10,
    batchEverySeconds: 10,
    rebuilds: 2,
  });
  const report = JSON.stringify({ ...figures, memory: undefined, said }, null, 1);
  expect(figures.writes.count, report).toBeGreaterThanOrEqual(195);
  expect(figures.batches.count, report).toBeGreaterThanOrEqual(2);
  expect(figures.reads.count, report).toBeGreaterThanOrEqual(195);
  expect(figures.siteBuilds, report).toBe(2);
  expect(figures.failures, report).toEqual({});
  expect(figures.errors, report).toBe(0);
  expect(figures.workerReloads, report).toBe(0);
  expect(figures.workerCrashes, report).toBe(0);
  expect(figures.siteBuildFailures, report).toBe(0);
  expect(figures.serverRestarts, report).toBe(0);
  // The site served is the last build, complete.
  const home = await fetch(`${product.url}/`);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain("<html");
}, 240_000);
