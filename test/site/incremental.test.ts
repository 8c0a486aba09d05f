// An incremental site build is a full build, made faster: after a restated flow and after a fund's
// metadata change, the site built from the last build holds exactly the files, byte for byte, that a
// build from nothing makes; what nothing changed is kept from the last build (the same file, not a
// copy), and a rebuild with no change in the data changes no file at all.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildSiteResult, buildSite } from "../../scripts/build-site.ts";
import { MANIFEST } from "../../scripts/lib/site-increment.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "../helpers/local-product.ts";

let product: Awaited<ReturnType<typeof startProduct>>;
// Inside the repository: Astro resolves its packages from node_modules.
mkdirSync("test-results", { recursive: true });
const work = mkdtempSync(path.join("test-results", "site-incremental-"));
const site = path.join(work, "site");
const cache = path.join(work, "cache");
const quiet = { quiet: true, log: () => undefined };

const build = (options: { outDir?: string; previous?: false; cacheDir?: string } = {}) =>
  buildSite({ api: product.url, outDir: site, cacheDir: cache, ...quiet, ...options });

/** Every file of a build but its manifest, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === MANIFEST) continue;
    const file = path.join(entry.parentPath, entry.name);
    found.set(path.relative(dir, file), readFileSync(file));
  }
  return found;
}

const inode = (file: string) => statSync(path.join(site, file)).ino;

/** Every fund page's inode. */
const fundPages = () =>
  readdirSync(path.join(site, "funds"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => inode(`funds/${entry.name}/index.html`));

async function write(pathAndQuery: string, method: string, body: unknown): Promise<void> {
  const response = await fetch(`${product.url}${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The incremental build in `site` holds what a build from nothing holds. */
async function expectSameAsFullBuild(): Promise<void> {
  const full = path.join(work, `full-${Date.now()}`);
  await build({ outDir: full, previous: false, cacheDir: path.join(work, `cache-${Date.now()}`) });
  const [mine, theirs] = [files(site), files(full)];
  expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
  const differing = [...mine].filter(([file, bytes]) => !bytes.equals(theirs.get(file) ?? Buffer.alloc(0)));
  expect(differing.map(([file]) => file)).toEqual([]);
  rmSync(full, { recursive: true, force: true });
}

beforeAll(async () => {
  product = await startProduct({ data: "market" });
}, 180_000);

afterAll(async () => {
  await product?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("an incremental site build", () => {
  let first: BuildSiteResult;

  it("first builds everything, then rebuilds with no change in the data without changing a file", async () => {
    first = await build();
    expect(first.kept).toBe(0);
    expect(first.rendered).toBeGreaterThan(0);
    const before = fundPages();
    const again = await build();
    expect(again.rendered).toBe(0);
    expect(again.kept).toBe(first.rendered);
    expect(again.changed).toEqual([]);
    // Kept means the same file, not a copy of it.
    expect(fundPages()).toEqual(before);
  }, 300_000);

  it("after a restated flow renders the fund and its asset's funds again, keeps the rest, and equals a full build", async () => {
    const ethPage = "funds/ETHA/index.html";
    const ethFile = "data/funds/ETHA.json";
    // An ether fund, a bitcoin fund's rows, a week before the restated day, the ether flow table.
    const untouched = [
      ethPage,
      ethFile,
      "data/funds/FBTC.json",
      "weekly/2024-W10/index.html",
      "flows/eth/2024/index.html",
      "flows/eth/2024.csv",
    ];
    const kept = untouched.map(inode);
    await write("/v1/flows", "POST", {
      flows: [
        {
          fund: "IBIT",
          date: "2024-06-12",
          net_flow_usd: "123456789.00",
          status: "final",
          source: "farside",
        },
      ],
    });
    const result = await build();
    // What the restated flow does not change is the file of the last build.
    expect(untouched.map(inode)).toEqual(kept);
    expect(result.changed).toContain("weekly/2024-W24/index.html");
    expect(result.changed).toContain("flows/btc/2024/index.html");
    expect(result.changed).toContain("funds/IBIT/index.html");
    expect(result.changed).toContain("data/funds/IBIT.json");
    expect(result.changed).not.toContain(ethPage);
    expect(result.kept).toBeGreaterThan(0);
    expect(readFileSync(path.join(site, "data/funds/IBIT.json"), "utf8")).toContain('"123456789.00"');
    await expectSameAsFullBuild();
  }, 300_000);

  it("after a fund's metadata change renders that fund's page alone of the fund pages, and equals a full build", async () => {
    const fund = (await (await fetch(`${product.url}/v1/funds/ETHA`)).json()) as Record<string, unknown>;
    const {
      ticker: _ticker,
      latest: _latest,
      former_tickers: _f,
      fee_history: _h,
      days_version: _d,
      delisted_on: _o,
      ...metadata
    } = fund;
    await write("/v1/funds/ETHA", "PUT", { ...metadata, name: "iShares Ethereum Trust ETF (renamed)" });
    const result = await build();
    const pages = result.changed.filter((file) => /^funds\/[^/]+\/index\.html$/.test(file));
    expect(pages).toEqual(["funds/ETHA/index.html"]);
    expect(readFileSync(path.join(site, "funds/ETHA/index.html"), "utf8")).toContain("(renamed)");
    await expectSameAsFullBuild();
  }, 300_000);
});
