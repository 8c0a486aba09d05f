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
// nothing of the site, so that process can.
import { readFileSync } from "node:fs";

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
}

const KEY = Symbol.for("aumflow.incremental");

function state(): BuildState {
  const holder = globalThis as { [KEY]?: { build: string; state: BuildState } };
  const build = process.env.AUMFLOW_BUILD_ID ?? "";
  if (holder[KEY]?.build !== build) {
    const file = process.env.AUMFLOW_PREVIOUS_MANIFEST;
    const previous = file ? (JSON.parse(readFileSync(file, "utf8")) as BuildManifest).units : null;
    holder[KEY] = { build, state: { previous, units: {}, rendered: new Set() } };
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
