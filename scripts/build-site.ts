// Builds the static report site (site/ → site/dist) from the API's export.
//   node scripts/build-site.ts                          from --api, AUMFLOW_API or the running npm start
//   node scripts/build-site.ts --api https://aumflow.example
//   node scripts/build-site.ts --export-dir site/.data   from saved API answers instead
//   node scripts/build-site.ts --full                   render every page, keep nothing
// Prints progress, the data version it built and the pages per second. `buildSite` is what
// `npm start` calls on every data_version change. The build is written to a fresh directory beside
// the output directory and moved into place once complete: a reader of the output directory sees the
// old build or the new one, never half of one, and a failed build leaves the old one as it was.
// A build from the API renders only what changed since the build in the output directory and keeps
// the rest of it byte for byte (docs/architecture.md, "The site"; --full renders everything).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, writeFileSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { build } from "astro";
import { resolveApi } from "./lib/cli.ts";
import {
  codeFingerprint,
  MANIFEST,
  type Manifest,
  type MergeResult,
  mergeWithPrevious,
  usableManifest,
} from "./lib/site-increment.ts";

const root = path.resolve(import.meta.dirname, "..");

export interface BuildSiteOptions {
  /** API origin; default AUMFLOW_API or http://localhost:8787. */
  api?: string;
  /** Read export.json, daily/<T>.json and revisions.json from here instead of the API. */
  exportDir?: string;
  outDir?: string;
  /** Only warnings and the closing line, not every page. */
  quiet?: boolean;
  /** Where the build's lines go (stdout of the build, then the closing line); default console.log. */
  log?: (line: string) => void;
  /** Stops the build (the child process is killed; the output directory stays as it was). */
  signal?: AbortSignal;
  /**
   * A complete earlier build to keep unchanged pages and files from (default: outDir, when it holds
   * one); false builds everything. Kept only when made by the same code (scripts/lib/site-increment.ts).
   */
  previous?: string | false;
  /**
   * Where fund histories are kept between builds (site/src/lib/history-cache.ts); default beside the
   * output directory. Builds from the API only.
   */
  cacheDir?: string;
}

export interface BuildSiteResult {
  pages: number;
  seconds: number;
  outDir: string;
  /** Build units (a fund's page, a fund's files) rendered, and kept from the previous build. */
  rendered: number;
  kept: number;
  /** Files new or different from the previous build's: what an upload sends. */
  changed: string[];
}

/**
 * V8 flags for the build. A fund page's figures are many short-lived objects; with the default young
 * generation (16 MB) the collector copied live ones so often it took a fifth of a 1,000-fund build.
 */
const NODE_FLAGS = ["--max-semi-space-size=64"];

/**
 * Builds in a child Node process with NODE_FLAGS (a running process cannot change them), which also
 * hands every byte of the build's memory back when it ends: `npm start` rebuilds for as long as it runs.
 */
export async function buildSite(options: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  const outDir = path.resolve(options.outDir ?? path.join(root, "site/dist"));
  // Beside the output directory (same file system, so the move is a rename; same depth, so the
  // build's chunks resolve their packages as they would there).
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = path.join(path.dirname(outDir), `.${path.basename(outDir)}.building-${stamp}`);
  const args = ["--here", "--parent-pipe", "--out", staging, ...(options.quiet ? ["--quiet"] : [])];
  if (options.api) args.push("--api", options.api);
  if (options.exportDir) args.push("--export-dir", path.resolve(options.exportDir));
  const started = performance.now();
  const code = await codeFingerprint(root);
  const previous = options.previous === false ? undefined : path.resolve(options.previous ?? outDir);
  // Saved answers carry no days_version to keep histories by: those builds render everything.
  const incremental = !options.exportDir;
  const previousManifest = incremental ? await usableManifest(previous, code) : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, AUMFLOW_BUILD_CODE: code };
  if (previousManifest) env.AUMFLOW_PREVIOUS_MANIFEST = previousManifest;
  else delete env.AUMFLOW_PREVIOUS_MANIFEST;
  if (incremental)
    env.AUMFLOW_SITE_CACHE = path.resolve(
      options.cacheDir ?? path.join(path.dirname(outDir), `.${path.basename(outDir)}-cache`),
    );
  // Astro bundles the pages into .astro/.prerender under the working directory when the output is
  // outside it: two builds from one directory (npm start's and a test's) deleted each other's bundle.
  // Each build works in its own directory, inside the repository so the bundle resolves its packages.
  const workDir = path.join(root, ".astro", `build-${stamp}`);
  await mkdir(workDir, { recursive: true });
  // stdin is a pipe the child watches: it ends when this process does, however it ends.
  const child = spawn(process.execPath, [...NODE_FLAGS, import.meta.filename, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
    cwd: workDir,
    env,
    ...(options.signal && { signal: options.signal }),
  });
  child.on("error", () => undefined);
  child.stdin.on("error", () => undefined);
  // Through console.log by default, so a caller that moves the build's talk elsewhere (the bench) still can.
  const log = options.log ?? ((line: string) => console.log(line));
  createInterface({ input: child.stdout }).on("line", log);
  let merged: MergeResult;
  try {
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    options.signal?.throwIfAborted();
    if (code !== 0) {
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      throw new Error(`build-site: the site build failed (${how}); see above`);
    }
    // Whatever the code, a file that came out as the last build has it is kept as it was.
    merged = await mergeWithPrevious(
      staging,
      previous !== undefined && existsSync(previous) ? previous : undefined,
    );
    await moveIntoPlace(staging, outDir, stamp);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const pages = (await readdir(outDir, { recursive: true })).filter((entry) =>
    entry.endsWith(".html"),
  ).length;
  const kept =
    merged.kept > 0 ? `; ${merged.kept} of ${merged.kept + merged.rendered} fund pages and files kept` : "";
  log(
    `build-site: ${pages} pages in ${seconds.toFixed(1)}s (${(pages / seconds).toFixed(1)} pages/s)` +
      `${kept}; ${merged.changed.length} files new or changed`,
  );
  return { pages, seconds, outDir, ...merged };
}

/** Replaces outDir by the complete build: two renames, the old build deleted after. */
async function moveIntoPlace(staging: string, outDir: string, stamp: string): Promise<void> {
  if (!existsSync(outDir)) {
    await rename(staging, outDir);
    return;
  }
  const old = path.join(path.dirname(outDir), `.${path.basename(outDir)}.old-${stamp}`);
  await rename(outDir, old);
  await rename(staging, outDir);
  await rm(old, { recursive: true, force: true });
}

/** The build itself, in this process: what the child started by buildSite runs. */
async function buildHere(options: BuildSiteOptions): Promise<void> {
  if (options.api) process.env.AUMFLOW_API = options.api;
  if (options.exportDir) process.env.AUMFLOW_EXPORT_DIR = path.resolve(options.exportDir);
  // Pages cache the data per build id: a process that builds twice must load it again.
  process.env.AUMFLOW_BUILD_ID = `${Date.now()}`;
  const outDir = path.resolve(options.outDir ?? path.join(root, "site/dist"));
  await build({ root: path.join(root, "site"), outDir, logLevel: options.quiet ? "warn" : "info" });
  const { buildManifest, pruneKept } = await import("../site/src/lib/build-units.ts");
  const manifest = buildManifest();
  pruneKept();
  writeFileSync(
    path.join(outDir, MANIFEST),
    JSON.stringify({ code: process.env.AUMFLOW_BUILD_CODE ?? "", ...manifest } satisfies Manifest),
  );
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
      here: { type: "boolean", default: false },
      "parent-pipe": { type: "boolean", default: false },
      full: { type: "boolean", default: false },
    },
  });
  const exportDir = values["export-dir"] ?? process.env.AUMFLOW_EXPORT_DIR;
  if (values.here) {
    // Started by buildSite: a build whose parent has gone (killed outright, even) has no one to serve.
    if (values["parent-pipe"]) {
      process.stdin.on("end", () => process.exit(1));
      process.stdin.resume();
      process.stdin.unref();
    }
    return buildHere({ api: values.api, exportDir, outDir: values.out, quiet: values.quiet });
  }
  const api = exportDir ? values.api : resolveApi(values.api);
  if (api && !exportDir) await checkApi(api);
  await buildSite({
    api,
    exportDir,
    outDir: values.out,
    quiet: values.quiet,
    ...(values.full && { previous: false as const }),
  });
}

// Run as a command, not when imported by npm start.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
