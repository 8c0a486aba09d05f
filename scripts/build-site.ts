// Builds the static report site (site/ → site/dist) from the API's export.
//   node scripts/build-site.ts                          from AUMFLOW_API (default http://localhost:8787)
//   node scripts/build-site.ts --api https://aumflow.example
//   node scripts/build-site.ts --export-dir site/.data   from saved API answers instead
// Prints progress, the data version it built and the pages per second. `buildSite` is what
// `npm start` calls on every data_version change.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "astro";

const root = path.resolve(import.meta.dirname, "..");

export interface BuildSiteOptions {
  /** API origin; default AUMFLOW_API or http://localhost:8787. */
  api?: string;
  /** Read export.json, daily/<T>.json and revisions.json from here instead of the API. */
  exportDir?: string;
  outDir?: string;
  /** Only warnings and the closing line, not every page. */
  quiet?: boolean;
}

export interface BuildSiteResult {
  pages: number;
  seconds: number;
  outDir: string;
}

export async function buildSite(options: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  if (options.api) process.env.AUMFLOW_API = options.api;
  if (options.exportDir) process.env.AUMFLOW_EXPORT_DIR = path.resolve(options.exportDir);
  // Pages cache the data per build id: a process that builds twice (npm start) must load it again.
  process.env.AUMFLOW_BUILD_ID = `${Date.now()}`;
  const outDir = path.resolve(options.outDir ?? path.join(root, "site/dist"));
  const started = performance.now();
  await build({ root: path.join(root, "site"), outDir, logLevel: options.quiet ? "warn" : "info" });
  const seconds = (performance.now() - started) / 1000;
  const pages = (await readdir(outDir, { recursive: true })).filter((entry) =>
    entry.endsWith(".html"),
  ).length;
  console.log(
    `build-site: ${pages} pages in ${seconds.toFixed(1)}s (${(pages / seconds).toFixed(1)} pages/s)`,
  );
  return { pages, seconds, outDir };
}

async function checkApi(api: string): Promise<void> {
  try {
    const response = await fetch(`${api}/v1/health`);
    const health = (await response.json()) as { data_version?: number };
    console.log(`build-site: API at ${api} answers, data_version ${health.data_version ?? "?"}`);
  } catch (error) {
    throw new Error(
      `build-site: cannot reach ${api}/v1/health (${(error as Error).message}); start it with npm start`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: "string" },
      "export-dir": { type: "string" },
      out: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const exportDir = values["export-dir"] ?? process.env.AUMFLOW_EXPORT_DIR;
  if (!exportDir) await checkApi(values.api ?? process.env.AUMFLOW_API ?? "http://localhost:8787");
  await buildSite({ api: values.api, exportDir, outDir: values.out, quiet: values.quiet });
}

// Run as a command, not when imported by npm start.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
