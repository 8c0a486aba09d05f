// Which of the many pages and files this build renders, and which it keeps from the last build.
//
// A build unit is a page or file set that depends on few inputs: a fund's page, a fund's open data
// files. Each is named with a fingerprint of everything it is made from; scripts/build-site.ts hands
// this build the last build's manifest (AUMFLOW_PREVIOUS_MANIFEST) only when that build is complete
// and was made by the same code, and a unit whose fingerprint is unchanged is not rendered: its files
// are linked from the last build, byte for byte (scripts/lib/site-increment.ts). Every other page
// (the overview, the trends, the groups, the weeks, the flow tables: a few hundred, each summarising
// many funds) is rendered every time, and kept from the last build afterwards where it came out the
// same. The fingerprints are in incremental.ts.
//
// The state lives on globalThis: Astro runs the pages from its own bundle of this file, and
// build-site's process, which writes the manifest at the end, imports it apart. This module imports
// nothing of the site but atomic-file.ts (node:fs alone), so that process can.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-file.ts";

export interface BuildUnit {
  fingerprint: string;
  /** The unit's output files, relative to the build directory. */
  files: string[];
}

export interface BuildManifest {
  units: Record<string, BuildUnit>;
  /** The units this build rendered; the others were kept. */
  rendered: string[];
}

interface BuildState {
  previous: Record<string, BuildUnit> | null;
  units: Record<string, BuildUnit>;
  rendered: Set<string>;
  /** The kept values this build used (file names in KEPT_DIR). */
  kept: Set<string>;
}

const KEY = Symbol.for("aumflow.incremental");

function state(): BuildState {
  const holder = globalThis as { [KEY]?: { build: string; state: BuildState } };
  const build = process.env.AUMFLOW_BUILD_ID ?? "";
  if (holder[KEY]?.build !== build) {
    const file = process.env.AUMFLOW_PREVIOUS_MANIFEST;
    const previous = file ? (JSON.parse(readFileSync(file, "utf8")) as BuildManifest).units : null;
    holder[KEY] = { build, state: { previous, units: {}, rendered: new Set(), kept: new Set() } };
  }
  return (holder[KEY] as { state: BuildState }).state;
}

/** Whether to render the unit now: true unless the last build made it from the same inputs. */
export function renders(unit: string, fingerprint: string, files: string[]): boolean {
  const build = state();
  build.units[unit] = { fingerprint, files };
  const before = build.previous?.[unit];
  const same = before?.fingerprint === fingerprint && before.files.join("\n") === files.join("\n");
  if (!same) build.rendered.add(unit);
  return !same;
}

/** This build's manifest: build-site writes it into the build once the build is complete. */
export function buildManifest(): BuildManifest {
  const build = state();
  return { units: build.units, rendered: [...build.rendered].sort() };
}

/** Where kept values live, in the site cache (AUMFLOW_SITE_CACHE, set for builds from the API). */
const KEPT_DIR = "kept";

/**
 * A value computed from inputs with a known fingerprint, kept between builds: a page that summarises
 * many units (the flow tables' index pages, which give every year's total) reads the kept summaries of
 * the units that did not change instead of computing them again. Keyed by the build's code as well,
 * so other code never reads a value this code did not compute. Only incremental builds read kept
 * values (a build from nothing computes everything); every build with a site cache writes them.
 */
export function keptValue<T>(
  kind: string,
  fingerprint: string,
  compute: () => T,
  codec: { encode: (value: T) => unknown; decode: (json: unknown) => T },
): T {
  const cache = process.env.AUMFLOW_SITE_CACHE;
  if (!cache) return compute();
  const build = state();
  const name = `${createHash("sha256")
    .update(`${process.env.AUMFLOW_BUILD_CODE ?? ""}\u0000${kind}\u0000${fingerprint}`)
    .digest("hex")}.json`;
  const file = path.join(cache, KEPT_DIR, name);
  build.kept.add(name);
  if (build.previous !== null) {
    try {
      return codec.decode(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      // Not kept yet (or unreadable): computed below.
    }
  }
  const value = compute();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(codec.encode(value)));
  return value;
}

/** Deletes the kept values this build did not use: what no page needs again is not kept. */
export function pruneKept(): void {
  const cache = process.env.AUMFLOW_SITE_CACHE;
  if (!cache) return;
  const dir = path.join(cache, KEPT_DIR);
  const used = state().kept;
  for (const name of safeList(dir)) if (!used.has(name)) rmSync(path.join(dir, name), { force: true });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
