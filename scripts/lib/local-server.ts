// The product on the embedded defaults: local D1 and KV (SQLite under .wrangler/state), the API and the
// built site from one `wrangler dev`.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bin, freePort, run, waitForHttp } from "./processes.ts";

export interface LocalServer {
  url: string;
  /** The guard (scripts/lib/guard.ts) running wrangler: the leader of the group wrangler and workerd are in. */
  process: ChildProcess;
  /** The last lines wrangler printed, oldest first. */
  recentLog: () => string;
  /** When wrangler last printed anything (it prints a line per request answered): a sign of life. */
  lastOutputAt?: () => number;
  stop: () => Promise<void>;
}

export async function applyLocalMigrations(persistTo?: string): Promise<void> {
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  await run(bin("wrangler"), ["d1", "migrations", "apply", "aumflow", "--local", ...persist], {
    env: { CI: "true" },
    quiet: true,
  });
}

/** wrangler dev serves the site from here (wrangler.toml [assets]); on a fresh clone it is not built yet, and must exist. */
const SITE_DIR = "site/dist";

const GUARD = path.join(import.meta.dirname, "guard.ts");

/**
 * A copy of the Worker as it is now (functions/ and shared/, and a wrangler.toml naming them) under
 * `dir`, which must lie inside the repository so that its packages resolve from node_modules. A
 * `wrangler dev` of the copy (startLocalServer's `config`) is not restarted when someone edits the
 * sources meanwhile, as one of the working tree is: what the soak measures must not move under it.
 * Returns the path of its wrangler.toml.
 */
export function freezeWorker(dir: string): string {
  for (const part of ["functions", "shared"]) cpSync(part, path.join(dir, part), { recursive: true });
  const toml = readFileSync("wrangler.toml", "utf8")
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(path.resolve("migrations"))}`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(path.resolve(SITE_DIR))}`);
  const config = path.join(dir, "wrangler.toml");
  writeFileSync(config, toml);
  return config;
}

/**
 * Starts `wrangler dev`. Its ports (the API's, unless `port` is given, and the inspector's, which
 * wrangler otherwise takes from 9229 up) are chosen free here; another process may take one between
 * the choice and wrangler's bind (concurrent tests start several servers), and then wrangler exits
 * with "Address already in use": the start is tried again with fresh ports, up to three times.
 */
export async function startLocalServer(options: {
  /** The API's port; a free one when omitted. */
  port?: number;
  persistTo?: string;
  vars?: Record<string, string>;
  /**
   * Static assets to serve instead of wrangler.toml's site/dist (its routing rules still apply).
   * `npm start` passes a directory nothing writes to: wrangler restarts the Worker, and fails the
   * requests in flight, whenever a file of its assets directory changes.
   */
  assetsDir?: string;
  /** Another wrangler.toml (a frozen copy of the Worker, freezeWorker) instead of the repository's. */
  config?: string;
}): Promise<LocalServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({
        ...options,
        port: options.port ?? (await freePort()),
        inspectorPort: await freePort(),
      });
    } catch (error) {
      if (attempt === 3 || !(error as Error).message.includes("Address already in use")) throw error;
    }
  }
}

async function startOnce(
  options: Parameters<typeof startLocalServer>[0] & { port: number; inspectorPort: number },
): Promise<LocalServer> {
  mkdirSync(options.assetsDir ?? SITE_DIR, { recursive: true });
  const config = options.config ? ["--config", options.config] : [];
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const assets = options.assetsDir ? ["--assets", options.assetsDir] : [];
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  // Through the guard, in a process group of its own: nothing of it outlives this process, however
  // this process ends (the guard watches the pipe on its stdin), and stop() can signal all of it.
  const child = spawn(
    process.execPath,
    [
      GUARD,
      bin("wrangler"),
      "dev",
      "--local",
      "--port",
      String(options.port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(options.inspectorPort),
      "--show-interactive-dev-session=false",
      ...config,
      ...assets,
      ...persist,
      ...vars,
    ],
    {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      detached: true,
    },
  );
  // The guard's stdin stays open for as long as this process wants the server; its end stops it.
  child.stdin?.on("error", () => undefined);
  const log: string[] = [];
  let lastOutput = Date.now();
  const keep = (chunk: Buffer) => {
    lastOutput = Date.now();
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${options.port}`;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };
  try {
    await waitForHttp(`${url}/v1/health`, 60_000, child);
  } catch (error) {
    killGroup("SIGKILL");
    throw new Error(`${(error as Error).message}\n${log.join("")}`);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      killGroup("SIGTERM");
      // The guard itself sends SIGKILL after 5 s; this is for a guard that cannot.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 7000))]);
    }
    killGroup("SIGKILL");
    child.stdin?.destroy();
  };
  return { url, process: child, stop, recentLog: () => log.join(""), lastOutputAt: () => lastOutput };
}
