// A fresh local product for one bench stage: an empty D1 and KV in a temporary --persist-to
// directory, the migrations applied, `wrangler dev` on a free port with a known admin token.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyLocalMigrations, type LocalServer, startLocalServer } from "../lib/local-server.ts";

export const BENCH_TOKEN = "bench-admin-token";

export interface BenchServer extends LocalServer {
  persistTo: string;
  token: string;
  /** The last lines wrangler printed, to explain a failure. */
  recentLog: () => string;
  /** Stops the server and deletes its state. */
  dispose: () => Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const persistTo = mkdtempSync(path.join(tmpdir(), "aumflow-bench-state-"));
  await applyLocalMigrations(persistTo);
  const server = await startLocalServer({
    persistTo,
    vars: { ADMIN_TOKEN: BENCH_TOKEN },
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 100) log.shift();
  };
  server.process.stdout?.on("data", keep);
  server.process.stderr?.on("data", keep);
  const dispose = async () => {
    await server.stop();
    // Whatever wrangler left of its process group (it is ours, by id) must not outlive the bench.
    try {
      if (server.process.pid !== undefined) process.kill(-server.process.pid, "SIGKILL");
    } catch {
      // already gone
    }
    rmSync(persistTo, { recursive: true, force: true });
  };
  return { ...server, persistTo, token: BENCH_TOKEN, dispose, recentLog: () => log.join("") };
}

/** POST to the API as the admin; the parsed JSON answer, or an error with the body. */
export async function adminPost<T>(server: BenchServer, pathAndQuery: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${pathAndQuery}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${pathAndQuery}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
