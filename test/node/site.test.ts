// The report site in Debian's Chromium, built from the local product (wrangler dev, the demo data):
// every page answers and draws its charts, no internal link is broken, axe finds nothing serious,
// nothing overflows a 375px screen, pages stay under budget, and a restatement shows after a rebuild.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from "../../scripts/lib/chromium.ts";
import { serveDist } from "../../site/dev/serve-dist.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "./local-product.ts";

const BUDGET_BYTES = 300 * 1024;
const ARTIFACTS = "test-results/site";
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let site: { url: string; server: Server };
let outDir: string;
let paths: string[] = [];

async function buildSite(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ["scripts/build-site.ts", "--api", product.url, "--out", outDir, "--quiet"],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

/** Every page the sitemap lists, as paths. */
async function sitemapPaths(): Promise<string[]> {
  const xml = await (await fetch(`${site.url}/sitemap.xml`)).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => new URL(match[1] ?? "/").pathname);
}

/** One page of each kind: what axe, the phone width and the screenshots look at. */
function pageTypes(all: string[]): string[] {
  const first = (pattern: RegExp) => all.find((p) => pattern.test(p));
  const kinds = [
    /^\/funds\/[^/]+\/$/,
    /^\/issuers\/[^/]+\/$/,
    /^\/assets\/[^/]+\/$/,
    /^\/weekly\/\d{4}-W\d\d\/$/,
  ];
  const fixed = [
    "/",
    "/trends/",
    "/funds/",
    "/issuers/",
    "/assets/",
    "/weekly/",
    "/learn/",
    "/methodology/",
    "/data/",
  ];
  const learn = all.filter((p) => /^\/learn\/[^/]+\/$/.test(p));
  return [
    ...fixed,
    ...learn,
    ...kinds.map(first).filter((p): p is string => p !== undefined),
    "/no-such-page/",
  ];
}

beforeAll(async () => {
  expect(ensureChromium(), "Debian's chromium is needed").toBe(true);
  product = await startProduct();
  outDir = mkdtempSync(path.join(tmpdir(), "aumflow-site-"));
  await buildSite();
  site = await serveDist(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  paths = await sitemapPaths();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  site?.server.close();
  await product?.stop();
});

describe("every page", () => {
  it("answers 200, draws each figure as an SVG with a table, and ships no script", async () => {
    expect(paths.length).toBeGreaterThan(50);
    for (const page of paths) {
      const response = await fetch(`${site.url}${page}`);
      expect(response.status, page).toBe(200);
      const html = await response.text();
      const figures = html.match(/<figure[\s\S]*?<\/figure>/g) ?? [];
      for (const figure of figures) {
        expect(figure, `${page}: chart`).toMatch(/<svg[^>]*role="img"/);
        expect(figure, `${page}: numbers`).toContain("<table");
      }
      expect(html, `${page}: no JavaScript needed`).not.toMatch(/<script/i);
      expect(html, `${page}: no storage keys`).not.toMatch(/\|\d{4}-\d\d-\d\d\|/);
      expect(gzipSync(html).length, `${page}: compressed size`).toBeLessThan(BUDGET_BYTES);
    }
  }, 120_000);

  it("links only to pages that exist, and to anchors that exist on them", async () => {
    const seen = new Map<string, string>();
    const fetchPage = async (page: string) => {
      if (!seen.has(page)) seen.set(page, await (await fetch(`${site.url}${page}`)).text());
      return seen.get(page) ?? "";
    };
    const broken: string[] = [];
    for (const page of paths) {
      const html = await fetchPage(page);
      for (const [, href = ""] of html.matchAll(/href="(\/[^"]*)"/g)) {
        const [target = "", anchor] = href.split("#");
        // The API docs are the Worker's, not the static site's.
        const base = target.startsWith("/v1/") ? product.url : site.url;
        const response = await fetch(`${base}${target}`, { redirect: "manual" });
        if (response.status !== 200) broken.push(`${page} → ${href} (${response.status})`);
        else if (anchor && !(await fetchPage(target)).includes(`id="${anchor}"`))
          broken.push(`${page} → ${href} (no anchor)`);
      }
    }
    expect(broken).toEqual([]);
  }, 180_000);
});

describe("the market as it is", () => {
  it("has a page for each of BTC, ETH and SOL, and every fund", async () => {
    for (const symbol of ["BTC", "ETH", "SOL"]) expect(paths).toContain(`/assets/${symbol}/`);
    const funds = (await (await fetch(`${product.url}/v1/funds`)).json()) as { funds: { ticker: string }[] };
    for (const { ticker } of funds.funds) expect(paths).toContain(`/funds/${ticker}/`);
  });

  it("gives the headline figures of the last day every fund has reported, and says so", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${site.url}/`);
    const stats = (await tab.locator(".stats").textContent()) ?? "";
    expect(stats).toMatch(/Net flow on \d{1,2} [A-Z][a-z]{2} \d{4}, the last day every fund has reported/);
    const status = (await tab.locator("#day-status").textContent()) ?? "";
    expect(status).toMatch(/the last day every fund has reported/);
    // BTC, ETH, SOL and the total side by side.
    const assets = (await tab.locator('section[aria-labelledby="assets-heading"] table').textContent()) ?? "";
    for (const name of ["Bitcoin", "Ether", "Solana", "All funds"]) expect(assets).toContain(name);
    await tab.close();
  });
});

describe("in the browser", () => {
  it("has no serious or critical accessibility violation, light or dark", async () => {
    const problems: string[] = [];
    for (const page of pageTypes(paths)) {
      for (const colorScheme of ["light", "dark"] as const) {
        const tab = await browser.newPage({ colorScheme });
        await tab.goto(`${site.url}${page}`);
        await tab.evaluate(AXE);
        const violations = await tab.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> };
            }
          ).axe;
          return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact }));
        });
        for (const v of violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
          problems.push(`${page} (${colorScheme}): ${v.impact} ${v.id}`);
        }
        await tab.close();
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("fits a 375px screen and renders every chart", async () => {
    const tab = await browser.newPage({ viewport: { width: 375, height: 812 } });
    for (const page of pageTypes(paths)) {
      await tab.goto(`${site.url}${page}`);
      const { overflow, charts, drawn } = await tab.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        charts: document.querySelectorAll("figure").length,
        drawn: [...document.querySelectorAll("figure svg")].filter(
          (svg) => svg.getBoundingClientRect().width > 0,
        ).length,
      }));
      expect(overflow, `${page} overflows`).toBeLessThanOrEqual(0);
      expect(drawn, `${page} charts`).toBe(charts);
    }
    await tab.close();
  }, 120_000);

  it("saves screenshots of the home, a fund and the trends pages", async () => {
    const fund = paths.find((p) => p.startsWith("/funds/") && p !== "/funds/") ?? "/funds/";
    for (const [name, page, width] of [
      ["home", "/", 1280],
      ["fund", fund, 1280],
      ["trends", "/trends/", 1280],
      ["home-phone", "/", 375],
    ] as const) {
      const tab = await browser.newPage({ viewport: { width, height: 900 } });
      await tab.goto(`${site.url}${page}`);
      await tab.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
      await tab.close();
    }
  }, 60_000);
});

describe("after a restatement", () => {
  it("the rebuilt fund page shows the new figure and the revision", async () => {
    const response = await fetch(`${product.url}/v1/flows`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        flows: [
          {
            fund: "IBIT",
            date: "2024-10-30",
            net_flow_usd: "901234567.00",
            status: "final",
            source: "farside",
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { restated: number }).restated).toBe(1);
    await buildSite();
    const tab = await browser.newPage();
    await tab.goto(`${site.url}/funds/IBIT/`);
    const dayRow = tab.locator("tr", { has: tab.locator("th", { hasText: /^30 Oct 2024$/ }) }).first();
    await expect(dayRow.textContent()).resolves.toContain("+$901M");
    const revisions = (await tab.locator('section[aria-labelledby="revisions-heading"]').textContent()) ?? "";
    // In words, in US$ millions, with when it was seen; never the key it is stored under.
    expect(revisions).toMatch(
      /IBIT, 30 Oct 2024: \+\$872\.0M → \+\$901\.2M, seen \d{1,2} [A-Z][a-z]{2}(?: \d{4})? \d\d:\d\d UTC/,
    );
    expect(revisions).not.toContain("IBIT|2024-10-30");
    await tab.close();
  }, 180_000);
});
