// The product on the embedded defaults: local D1 and KV (SQLite under .wrangler/state), the API and the
// built site from one `wrangler dev`.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { bin, run, waitForHttp } from "./processes.ts";

export interface LocalServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export async function applyLocalMigrations(persistTo?: string): Promise<void> {
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  await run(bin("wrangler"), ["d1", "migrations", "apply", "aumflow", "--local", ...persist], {
    env: { CI: "true" },
    quiet: true,
  });
}

/** wrangler dev serves the site from here; on a fresh clone it is not built yet, and must exist. */
const SITE_DIR = "site/dist";

export async function startLocalServer(options: {
  port: number;
  persistTo?: string;
  vars?: Record<string, string>;
}) {
  mkdirSync(SITE_DIR, { recursive: true });
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn(
    bin("wrangler"),
    [
      "dev",
      "--local",
      "--port",
      String(options.port),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      ...persist,
      ...vars,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      detached: true,
    },
  );
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(`${url}/v1/health`, 60_000, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${log.join("")}`);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  return { url, process: child, stop } satisfies LocalServer;
}
