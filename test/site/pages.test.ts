// The report site in Debian's Chromium, built from the local product (wrangler dev, the demo data):
// every page answers and draws its charts, no internal link is broken, axe finds nothing serious in
// light or dark, nothing but a flow table scrolls sideways at 390px or 1280px and chart text stays at
// 11px or more, a flow table's known day matches the API's rows, absolute links carry the product's own
// address, pages stay under budget, and a restatement shows after a rebuild.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from "../../scripts/lib/chromium.ts";
import { serveDist } from "../../site/dev/serve-dist.ts";
import { tenths } from "../../site/src/lib/flowtable.ts";
import { startProduct, TEST_ADMIN_TOKEN } from "../helpers/local-product.ts";

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

/** Every page the sitemap lists, as paths (its addresses are the product's own: see the test below). */
async function sitemapPaths(): Promise<string[]> {
  const xml = await (await fetch(`${site.url}/sitemap.xml`)).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map(
    (match) => new URL(match[1] ?? "/", site.url).pathname,
  );
}

/** One page of each kind: what axe, the phone width and the screenshots look at. */
function pageTypes(all: string[]): string[] {
  const first = (pattern: RegExp) => all.find((p) => pattern.test(p));
  const kinds = [
    /^\/funds\/[^/]+\/$/,
    /^\/issuers\/[^/]+\/$/,
    /^\/assets\/[^/]+\/$/,
    /^\/weekly\/\d{4}-W\d\d\/$/,
    /^\/flows\/(?!all\/)[a-z]+\/$/,
    /^\/flows\/(?!all\/)[a-z]+\/\d{4}\/$/,
    /^\/flows\/[a-z]+\/\d{4}\/coins\/$/,
    /^\/flows\/all\/\d{4}\/$/,
  ];
  const fixed = [
    "/",
    "/flows/",
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
  if (outDir) rmSync(outDir, { recursive: true, force: true });
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
    // A flow table in coins and an asset's index of years are the year page's own markup: axe reads the
    // year pages, the slowest of all at thousands of cells, once each.
    const same = /^\/flows\/([a-z]+\/\d{4}\/coins|(?!all\/)[a-z]+)\/$/;
    const runs = pageTypes(paths)
      .filter((p) => !same.test(p))
      .flatMap((page) => (["light", "dark"] as const).map((colorScheme) => ({ page, colorScheme })));
    // Four tabs at a time: each runs in its own renderer process.
    const check = async ({ page, colorScheme }: (typeof runs)[number]) => {
      const tab = await browser.newPage({ colorScheme });
      await tab.goto(`${site.url}${page}`);
      await tab.evaluate(AXE);
      const violations = await tab.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (
                context: Document,
                options: { resultTypes: string[] },
              ) => Promise<{ violations: { id: string; impact: string }[] }>;
            };
          }
        ).axe;
        // Violations only: the passes' details are most of axe's work on a page of thousands of cells.
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact }));
      });
      for (const v of violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
        problems.push(`${page} (${colorScheme}): ${v.impact} ${v.id}`);
      }
      await tab.close();
    };
    const queue = [...runs];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(next);
      }),
    );
    expect(problems.sort()).toEqual([]);
  }, 180_000);

  it("fits a phone and a desktop: no sideways scrolling but in a flow table, chart text of 11px or more", async () => {
    const problems: string[] = [];
    for (const width of [390, 1280]) {
      const tab = await browser.newPage({ viewport: { width, height: 900 } });
      for (const page of pageTypes(paths)) {
        await tab.goto(`${site.url}${page}`);
        const found = await tab.evaluate(() => {
          const visible = (el: Element) => el.getBoundingClientRect().width > 0;
          const labels = [...document.querySelectorAll(".chart span")].filter(visible);
          const plot = [...document.querySelectorAll(".chart-plot")].map(
            (p) => p.getBoundingClientRect().width,
          );
          return {
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            // Only a flow table scrolls sideways, inside its own box; every other table shows all its numbers.
            scrolling: [...document.querySelectorAll(".table-wrap")]
              .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
              .map((wrap) => wrap.getAttribute("aria-labelledby")),
            charts: document.querySelectorAll("figure").length,
            drawn: [...document.querySelectorAll("figure svg")].filter(visible).length,
            smallest: Math.min(99, ...labels.map((el) => Number.parseFloat(getComputedStyle(el).fontSize))),
            svgText: document.querySelectorAll("figure svg text").length,
            narrowest: Math.min(9999, ...plot),
            column: document.querySelector("main")?.getBoundingClientRect().width ?? 0,
          };
        });
        const at = `${page} at ${width}px`;
        if (found.overflow > 0) problems.push(`${at}: the page scrolls sideways by ${found.overflow}px`);
        if (found.scrolling.length > 0) problems.push(`${at}: tables scroll: ${found.scrolling.join(", ")}`);
        if (found.drawn !== found.charts)
          problems.push(`${at}: ${found.charts - found.drawn} charts not drawn`);
        if (found.smallest < 11) problems.push(`${at}: chart text of ${found.smallest}px`);
        if (found.svgText > 0) problems.push(`${at}: text inside a chart's SVG scales with it`);
        // On a desktop a chart standing alone uses the width of the column, not a fixed 520 units.
        if (width === 1280 && found.charts > 0 && page === "/trends/" && found.narrowest < 400)
          problems.push(`${at}: a chart only ${found.narrowest}px wide`);
      }
      await tab.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("keeps a flow table's dates and Total in view while its funds scroll sideways", async () => {
    const year = paths.find((p) => /^\/flows\/(?!all\/)[a-z]+\/\d{4}\/$/.test(p)) ?? "/flows/";
    const tab = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await tab.goto(`${site.url}${year}`);
    const edges = await tab.evaluate(() => {
      const wrap = document.querySelector(".flow-wrap") as HTMLElement;
      wrap.scrollLeft = wrap.scrollWidth;
      const box = wrap.getBoundingClientRect();
      const row = wrap.querySelector("tbody tr[id]") as HTMLElement;
      const date = row.querySelector("th")?.getBoundingClientRect();
      const total = row.querySelector("td.total")?.getBoundingClientRect();
      return {
        scrolled: wrap.scrollLeft,
        left: box.left,
        right: box.right,
        date: date?.left,
        total: total?.right,
      };
    });
    expect(edges.scrolled).toBeGreaterThan(0);
    expect(Math.abs((edges.date ?? 0) - edges.left)).toBeLessThanOrEqual(2);
    expect(Math.abs((edges.total ?? 0) - edges.right)).toBeLessThanOrEqual(2);
    await tab.close();
  });

  it("draws the home, a fund, the trends and a flow table at 390px and 1280px, and saves their screenshots", async () => {
    const fund = paths.find((p) => p.startsWith("/funds/") && p !== "/funds/") ?? "/funds/";
    const flows = paths.find((p) => /^\/flows\/(?!all\/)[a-z]+\/\d{4}\/$/.test(p)) ?? "/flows/";
    for (const page of ["/", fund, "/trends/", flows]) {
      for (const width of [390, 1280]) {
        const tab = await browser.newPage({ viewport: { width, height: 900 } });
        await tab.goto(`${site.url}${page}`);
        const name = page.replace(/\//g, "_").replace(/^_|_$/g, "") || "home";
        const image = await tab.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
        // What a reader sees: the page's heading in view, nothing wider than the screen, a page drawn.
        await expect(tab.locator("h1").first().isVisible()).resolves.toBe(true);
        const wider = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(wider, `${page} at ${width}px`).toBeLessThanOrEqual(0);
        expect(image.byteLength, `${page} at ${width}px`).toBeGreaterThan(20_000);
        await tab.close();
      }
    }
  }, 120_000);
});

describe("the flow tables", () => {
  it("show a known day's figures as the data the site was built from has them, fund by fund and in all", async () => {
    const day = "2024-01-12";
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(`${site.url}/flows/btc/2024/`);
    const shown = await tab.evaluate((date) => {
      const table = document.querySelector(".flow-wrap");
      const heads = [...(table?.querySelectorAll("thead th") ?? [])].map(
        (th) => th.textContent?.trim() ?? "",
      );
      const cells = [...(document.querySelector(`#d-${date}`)?.querySelectorAll("td") ?? [])].map(
        (td) => td.textContent?.trim() ?? "",
      );
      return Object.fromEntries(heads.slice(1).map((head, i) => [head, cells[i] ?? ""]));
    }, day);
    await tab.close();
    const tickers = Object.keys(shown).filter((head) => head !== "Total");
    expect(tickers.length).toBeGreaterThan(5);
    let total = 0n;
    for (const ticker of tickers) {
      const answer = (await (
        await fetch(`${product.url}/v1/funds/${ticker}/daily?from=${day}&to=${day}`)
      ).json()) as {
        rows: { net_flow_usd: string | null; state: string }[];
      };
      const row = answer.rows[0];
      const flow = row?.net_flow_usd;
      if (!row || row.state === "not_listed") {
        expect(shown[ticker], ticker).toBe("");
        continue;
      }
      if (flow === null || flow === undefined) {
        expect(shown[ticker], ticker).toBe("–");
        continue;
      }
      const cents = BigInt(flow.replace(".", ""));
      total += cents;
      expect(shown[ticker], ticker).toBe(tenths(cents, "usd", 2));
    }
    expect(shown.Total).toBe(tenths(total, "usd", 2));
    // Farside printed 203.0 for that day's Total.
    expect(shown.Total).toBe("203.0");
  });

  it("each year has its CSV next to the page, with the same figures", async () => {
    const csv = await (await fetch(`${site.url}/flows/btc/2024.csv`)).text();
    const header = csv.split("\r\n")[0]?.split(",") ?? [];
    const line =
      csv
        .split("\r\n")
        .find((l) => l.startsWith("2024-01-12,"))
        ?.split(",") ?? [];
    expect(line[header.indexOf("IBIT_usd_m")]).toBe("386.0");
    expect(line[header.indexOf("Total_usd_m")]).toBe("203.0");
  });
});

describe("the site's own address", () => {
  it("is the running product's in the sitemap, the feed and robots.txt, never a default host", async () => {
    const origin = new URL(product.url).origin;
    const sitemap = await (await fetch(`${site.url}/sitemap.xml`)).text();
    expect(sitemap).toContain(`<loc>${origin}/flows/</loc>`);
    expect(await (await fetch(`${site.url}/robots.txt`)).text()).toContain(`Sitemap: ${origin}/sitemap.xml`);
    const home = await (await fetch(`${site.url}/`)).text();
    expect(home).toContain(`<link rel="canonical" href="${origin}/">`);
    if (!origin.endsWith(":8787")) expect(sitemap + home).not.toContain("localhost:8787");
  });
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
