// What a site build keeps from the one before it (site/src/lib/incremental.ts decides which units to
// render): the manifest each build leaves in its directory, the code it was made by, and the merge
// of a new build with the last: every kept unit's files linked from the last build, and every file
// rendered again that came out the same replaced by the last build's, so that unchanged files stay
// byte for byte (and inode for inode) what they were. What remains changed is what an upload sends.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, stat, unlink } from "node:fs/promises";
import path from "node:path";

/** In every build directory; .assetsignore (site/public) keeps it out of what is served. */
export const MANIFEST = ".aumflow-build.json";

export interface Manifest {
  /** The code the build was made by (codeFingerprint). */
  code: string;
  units: Record<string, { fingerprint: string; files: string[] }>;
  rendered: string[];
}

/**
 * The site's code and everything it reads besides the data: a build by other code keeps nothing.
 * Its sources, the shared modules it imports, its build script and the installed packages.
 */
export async function codeFingerprint(root: string): Promise<string> {
  const hash = createHash("sha256");
  const parts = [
    "site/src",
    "site/public",
    "site/astro.config.mjs",
    "shared",
    "scripts/build-site.ts",
    "package-lock.json",
  ];
  for (const part of parts) {
    const full = path.join(root, part);
    if (!existsSync(full)) continue;
    const files = (await stat(full)).isDirectory()
      ? (await readdir(full, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile())
          .map((entry) => path.join(entry.parentPath, entry.name))
          .sort()
      : [full];
    for (const file of files)
      hash
        .update(path.relative(root, file))
        .update("\0")
        .update(await readFile(file));
  }
  return hash.digest("hex");
}

/** The last build's manifest if it is complete and was made by this code; else none (build it all). */
export async function usableManifest(
  previous: string | undefined,
  code: string,
): Promise<string | undefined> {
  if (!previous) return undefined;
  const file = path.join(previous, MANIFEST);
  try {
    const manifest = JSON.parse(await readFile(file, "utf8")) as Manifest;
    return manifest.code === code ? file : undefined;
  } catch {
    return undefined;
  }
}

export interface MergeResult {
  /** Units rendered in this build, and kept from the last. */
  rendered: number;
  kept: number;
  /** Files (relative paths) new or different from the last build's. */
  changed: string[];
}

/** Same file system: a hard link. Elsewhere: a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(from, to);
  }
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [one, other] = await Promise.all([stat(a), stat(b)]);
  if (one.size !== other.size) return false;
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.equals(y);
}

/**
 * Completes the build in `staging` from the build in `previous`: the units it did not render are
 * linked from there (a kept unit whose file is gone fails the merge: build it all then). With no
 * previous build every file is changed.
 */
export async function mergeWithPrevious(staging: string, previous: string | undefined): Promise<MergeResult> {
  const manifest = JSON.parse(await readFile(path.join(staging, MANIFEST), "utf8")) as Manifest;
  const renderedUnits = new Set(manifest.rendered);
  const keptUnits = Object.keys(manifest.units).filter((unit) => !renderedUnits.has(unit));
  if (keptUnits.length > 0 && !previous) throw new Error("build-site: units kept with no previous build");
  for (const unit of keptUnits) {
    for (const file of manifest.units[unit]?.files ?? []) {
      await linkOrCopy(path.join(previous as string, file), path.join(staging, file));
    }
  }
  const keptFiles = new Set(keptUnits.flatMap((unit) => manifest.units[unit]?.files ?? []));
  const changed: string[] = [];
  const files = (await readdir(staging, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(staging, path.join(entry.parentPath, entry.name)));
  for (const file of files) {
    if (keptFiles.has(file) || file === MANIFEST) continue;
    const before = previous && path.join(previous, file);
    if (before && existsSync(before) && (await sameBytes(before, path.join(staging, file)))) {
      await unlink(path.join(staging, file));
      await linkOrCopy(before, path.join(staging, file));
    } else {
      changed.push(file);
    }
  }
  return { rendered: renderedUnits.size, kept: keptUnits.length, changed: changed.sort() };
}
