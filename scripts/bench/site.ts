// Site: the report site built from the loaded universe's API, in pages per second, against the same
// number of minimal Astro pages built in the same run, and the largest page compressed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { BuildSiteOptions, BuildSiteResult } from "../build-site.ts";
import { postRestatement, restatedFlow } from "./restatement.ts";

export interface SiteFigures {
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  baselinePagesPerSecond: number;
  /** The site's rate as a share of the minimal pages'. Aim: 0.5 or more. */
  ratio: number;
  largestPage: { path: string; bytes: number; gzipBytes: number; brotliBytes: number };
  /** The same site built again from the last build (scripts/lib/site-increment.ts). */
  incremental: {
    /** With nothing changed in the data. */
    unchanged: IncrementalBuild;
    /** One flow restated mid-history, from the write's request to the build in place. Aim: 15 s. */
    restatement: IncrementalBuild & { writeSeconds: number; totalSeconds: number };
  };
}

export interface IncrementalBuild {
  seconds: number;
  /** Fund pages and fund files rendered, and kept from the last build. */
  rendered: number;
  kept: number;
  /** Files new or different from the last build's. */
  changed: number;
}

export type SiteOutcome = { skipped: string } | SiteFigures;

type BuildSite = (options: BuildSiteOptions) => Promise<BuildSiteResult>;

/** The site build another part of the repo provides, if it is there yet. */
async function findBuildSite(root: string): Promise<BuildSite | null> {
  const file = path.join(root, "scripts/build-site.ts");
  if (!existsSync(file)) return null;
  const module = (await import(pathToFileURL(file).href)) as { buildSite?: BuildSite };
  return typeof module.buildSite === "function" ? module.buildSite : null;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(".html"))
    .map((entry) => path.join(dir, entry));
}

function largestPage(dir: string): SiteFigures["largestPage"] {
  const largest = htmlFiles(dir).reduce((best, file) =>
    statSync(file).size > statSync(best).size ? file : best,
  );
  const html = readFileSync(largest);
  return {
    path: path.relative(dir, largest),
    bytes: html.length,
    gzipBytes: gzipSync(html, { level: 9 }).length,
    brotliBytes: brotliCompressSync(html).length,
  };
}

/** `pages` pages from one dynamic route with a heading and a paragraph each: Astro's floor. */
async function buildMinimalPages(work: string, pages: number): Promise<number> {
  const project = path.join(work, "minimal-astro");
  mkdirSync(path.join(project, "src/pages"), { recursive: true });
  writeFileSync(
    path.join(project, "astro.config.mjs"),
    `export default { output: "static", trailingSlash: "always", build: { format: "directory" }, devToolbar: { enabled: false } };\n`,
  );
  writeFileSync(
    path.join(project, "src/pages/[page].astro"),
    `---
export function getStaticPaths() {
  return Array.from({ length: ${pages} }, (_, n) => ({ params: { page: String(n) } }));
}
const { page } = Astro.params;
---
<html lang="en"><head><meta charset="utf-8"><title>Page {page}</title></head>
<body><h1>Page {page}</h1><p>A minimal page, the baseline of the site build.</p></body></html>
`,
  );
  const { build } = await import("astro");
  const started = performance.now();
  await build({ root: project, outDir: path.join(project, "dist"), logLevel: "error" });
  const seconds = (performance.now() - started) / 1000;
  const built = htmlFiles(path.join(project, "dist")).length;
  if (built !== pages) throw new Error(`the minimal site built ${built} pages, not ${pages}`);
  return pages / seconds;
}

/**
 * Builds the site into a scratch directory under bench/results (inside the repo, so Astro resolves
 * its packages from node_modules), never into site/dist, which a running `npm start` serves.
 */
export async function benchSite(
  root: string,
  api: string,
  restate: { token: string; fund: string; date: string },
): Promise<SiteOutcome> {
  const buildSite = await findBuildSite(root);
  if (!buildSite) return { skipped: "no site build (scripts/build-site.ts exports no buildSite)" };
  const work = path.join(root, "bench/results/site-work");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const outDir = path.join(work, "site");
    // The build talks on stdout; the bench keeps stdout for its table.
    const log = console.log;
    console.log = (...args: unknown[]) => console.error(...args);
    const again = () => buildSite({ api, outDir, quiet: true });
    let site: BuildSiteResult;
    let unchanged: BuildSiteResult;
    let restated: BuildSiteResult;
    let writeSeconds: number;
    let totalSeconds: number;
    try {
      site = await buildSite({ api, outDir, quiet: true, previous: false });
      unchanged = await again();
      // A flow of one fund in the middle of the history, corrected as the restatement stage corrects one.
      const flow = await restatedFlow(api, restate.fund, restate.date);
      const started = performance.now();
      await postRestatement(api, restate.token, flow);
      writeSeconds = (performance.now() - started) / 1000;
      restated = await again();
      totalSeconds = (performance.now() - started) / 1000;
    } finally {
      console.log = log;
    }
    const incremental = (build: BuildSiteResult): IncrementalBuild => ({
      seconds: build.seconds,
      rendered: build.rendered,
      kept: build.kept,
      changed: build.changed.length,
    });
    const baselinePagesPerSecond = await buildMinimalPages(work, site.pages);
    const pagesPerSecond = site.pages / site.seconds;
    return {
      pages: site.pages,
      seconds: site.seconds,
      pagesPerSecond,
      baselinePagesPerSecond,
      ratio: pagesPerSecond / baselinePagesPerSecond,
      largestPage: largestPage(outDir),
      incremental: {
        unchanged: incremental(unchanged),
        restatement: { ...incremental(restated), writeSeconds, totalSeconds },
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
