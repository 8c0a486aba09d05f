// Where a running `npm start` can be found: it writes .wrangler/aumflow-local.json (its URL and pid)
// once it answers, and removes it when it stops. Every tool (import, recompute, backup, restore,
// build-site) uses it when neither --api nor AUMFLOW_API says where the API is (cli.ts), so they
// follow `PORT=8801 npm start`.
// A file left by an `npm start` that was killed outright names a pid that is gone, and is ignored.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface RunningProduct {
  url: string;
  pid: number;
  port: number;
  started_at: string;
}

/**
 * Where `npm start` keeps what is local to one checkout: the D1/KV state (state/, wrangler's
 * default), the site builds (aumflow/) and aumflow-local.json. Default .wrangler; AUMFLOW_LOCAL_DIR
 * moves all of it (the tests run products of their own beside a developer's).
 */
export function localDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(cwd, env.AUMFLOW_LOCAL_DIR || ".wrangler");
}

export function runningFile(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.join(localDir(cwd, env), "aumflow-local.json");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A pid reused by something else after a killed `npm start`: where /proc tells, it must be one.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("start");
  } catch {
    return true;
  }
}

/** The running product this file names, or null when there is none (no file, or its pid is gone). */
export function findRunningProduct(file: string = runningFile()): RunningProduct | null {
  if (!existsSync(file)) return null;
  let running: RunningProduct;
  try {
    running = JSON.parse(readFileSync(file, "utf8")) as RunningProduct;
  } catch {
    return null;
  }
  if (typeof running.url !== "string" || !Number.isInteger(running.pid)) return null;
  return alive(running.pid) ? running : null;
}

export function writeRunningProduct(file: string, running: RunningProduct): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Whole or not at all: a tool reading it meanwhile never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(running, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Removes the file if it still names `pid` (a later `npm start` may have taken it over). */
export function removeRunningProduct(file: string, pid: number = process.pid): void {
  try {
    const running = JSON.parse(readFileSync(file, "utf8")) as RunningProduct;
    if (running.pid === pid) rmSync(file, { force: true });
  } catch {
    // gone, or not ours to judge
  }
}
