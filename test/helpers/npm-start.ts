// `npm start` as a real process for the tests (node scripts/start.ts, as npm runs it), on a free port
// with a local directory of its own under .wrangler (AUMFLOW_LOCAL_DIR: its D1/KV state, site builds
// and aumflow-local.json), beside whatever a developer runs in the same checkout.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../scripts/lib/processes.ts";

export const root = path.resolve(import.meta.dirname, "../..");
export const NODE = path.join(root, "node_modules/.bin/node");

export interface NpmStart {
  child: ChildProcess;
  port: number;
  url: string;
  localDir: string;
  /** What it printed so far, stdout and stderr together. */
  output: () => string;
  /** Resolves once the output matches (from `from` on), with the output; fails after timeoutMs. */
  waitFor: (pattern: RegExp, timeoutMs?: number, from?: number) => Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment every tool needs to see this product: its local directory, no AUMFLOW_API. */
export function toolEnv(localDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`,
    AUMFLOW_LOCAL_DIR: localDir,
    AUMFLOW_API: "",
  };
}

export async function npmStart(
  options: { port?: number; localDir?: string; data?: "none" | "demo" | "market" } = {},
): Promise<NpmStart> {
  const port = options.port ?? (await freePort());
  // Under .wrangler, inside the repository: the site builds must be (ProductOptions.workDir).
  const localDir = options.localDir ?? mkdtempSync(path.join(root, ".wrangler", "aumflow-start-"));
  const child = spawn(NODE, ["scripts/start.ts"], {
    cwd: root,
    env: { ...toolEnv(localDir), PORT: String(port), AUMFLOW_DATA: options.data ?? "none" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 120_000, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(text.slice(from))) {
          cleanup();
          resolve(text);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`npm start did not print ${pattern} within ${timeoutMs} ms; it printed:\n${text}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => setTimeout(check, 50));
      check();
    });
  return { child, port, url: `http://127.0.0.1:${port}`, localDir, output: () => text, waitFor, exited };
}

/** Live processes (zombies excluded) with their parent and command line, from /proc. */
export function processes(): { pid: number; ppid: number; pgid: number; cmdline: string }[] {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      found.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Every live process under `pid` (itself excluded). */
export function descendants(pid: number): { pid: number; pgid: number; cmdline: string }[] {
  const all = processes();
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const process of all) {
      if (below.has(process.ppid) && !below.has(process.pid)) {
        below.add(process.pid);
        grew = true;
      }
    }
  }
  return all.filter((process) => process.pid !== pid && below.has(process.pid));
}

/** Which of these pids still live (zombies count as gone). */
export function alive(pids: readonly number[]): number[] {
  const live = new Set(processes().map((process) => process.pid));
  return pids.filter((pid) => live.has(pid));
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

export async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
