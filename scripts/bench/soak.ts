// Soak: the product as `npm start` runs it (scripts/lib/product.ts: the front server, a supervised
// `wrangler dev`, the site rebuilt whenever data_version moves), fresh, with the 2024 demo sample,
// under a steady feed for a while: single-row flow writes at a fixed rate, a large batch now and
// then, and reads of the API and of the site, all while the site rebuilds. Counts every answer that
// is not a success (the aim is none), the restarts of the Worker (none: a rebuild must never restart
// it), the latencies of each kind, and the memory (RSS) of every process the product runs.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runImport } from "../import.ts";
import { DEMO_FILES } from "../lib/demo.ts";
import { applyLocalMigrations, freezeWorker } from "../lib/local-server.ts";
import { type Product, startProduct } from "../lib/product.ts";

export const SOAK_TOKEN = "soak-admin-token";

export interface Latencies {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ProcessMemory {
  /** What the process is: front server and feed (this process), guard, wrangler, workerd, site build… */
  role: string;
  /** Processes seen in that role over the run (workerd is two at once; every site build is one). */
  processes: number;
  /** The largest RSS the role's processes had together at one sample, and at the end. */
  peakMb: number;
  endMb: number;
}

export interface SoakFigures {
  seconds: number;
  writesPerSecond: number;
  writes: Latencies;
  batches: Latencies & { rows: number };
  reads: Latencies;
  /** Answers other than 2xx and failed requests, all kinds together: the aim is 0. */
  errors: number;
  /** How each failure answered ("write 503", "read ECONNRESET"), and the first few in full. */
  failures: Record<string, number>;
  failureSamples: string[];
  siteBuilds: number;
  /** Site builds that failed during the run (counted among the errors). */
  siteBuildFailures: number;
  /** Times wrangler restarted the Worker ("Reloading local server") during the run: the aim is 0. */
  workerReloads: number;
  /** Times workerd crashed and wrangler restarted it ("The Workers runtime crashed"). */
  workerCrashes: number;
  /** wrangler's lines about reloads, crashes and errors during the run (the first 20). */
  serverNotes: string[];
  /** Times the supervisor replaced a dead or hung server. */
  serverRestarts: number;
  memory: ProcessMemory[];
  loadAverage: { start: number; end: number };
}

export interface SoakOptions {
  seconds: number;
  /** Single-row writes a second (default 10). */
  writesPerSecond?: number;
  /** A large batch every this many seconds (default 30; at least one per run). */
  batchEverySeconds?: number;
  /** Reads a second, API and site pages in turn (default 10). */
  readsPerSecond?: number;
  /**
   * "watch": the site rebuilds whenever data_version moves, as under `npm start` (default); a
   * number: that many rebuilds forced one after another from the start of the feed instead.
   */
  rebuilds?: "watch" | number;
  say?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function latencies(samples: number[], errors: number): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
  return { count: samples.length, errors, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}

/** Every process descended from `root`, with its parent, command line and RSS (Linux /proc). */
function processTree(root: number): { pid: number; cmdline: string; rssKb: number }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at !== undefined && hops < 64; hops++) {
      if (at === root) return true;
      if (at <= 1) return false;
      at = parents.get(at);
    }
    return false;
  };
  const tree = [];
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      // Kernel threads and exiting processes have no command line and no memory of their own.
      if (rss && cmdline.trim()) tree.push({ pid, cmdline, rssKb: Number(rss[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return tree;
}

function roleOf(pid: number, cmdline: string): string {
  if (pid === process.pid) return "front server, feed and bench (this process)";
  if (cmdline.includes("guard.ts")) return "guard";
  if (cmdline.includes("build-site.ts")) return "site build";
  if (cmdline.includes("wrangler-dist")) return "wrangler";
  if (cmdline.includes(".bin/wrangler")) return "wrangler launcher";
  if (cmdline.includes("workerd")) return "workerd";
  if (cmdline.includes("esbuild")) return "esbuild";
  return cmdline.split(" ")[0] ?? "other";
}

/** Samples the RSS of this process and everything under it every `everyMs`, per role. */
function memorySampler(everyMs: number) {
  const roles = new Map<string, { pids: Set<number>; peakKb: number; endKb: number }>();
  const sample = () => {
    const now = new Map<string, number>();
    for (const { pid, cmdline, rssKb } of processTree(process.pid)) {
      const role = roleOf(pid, cmdline);
      now.set(role, (now.get(role) ?? 0) + rssKb);
      const seen = roles.get(role) ?? { pids: new Set(), peakKb: 0, endKb: 0 };
      seen.pids.add(pid);
      roles.set(role, seen);
    }
    for (const [role, seen] of roles) {
      const kb = now.get(role) ?? 0;
      seen.peakKb = Math.max(seen.peakKb, kb);
      seen.endKb = kb;
    }
  };
  const canSample = process.platform === "linux";
  const timer = canSample ? setInterval(sample, everyMs) : null;
  if (canSample) sample();
  return {
    stop: (): ProcessMemory[] => {
      if (timer) clearInterval(timer);
      return [...roles]
        .map(([role, seen]) => ({
          role,
          processes: seen.pids.size,
          peakMb: Math.round(seen.peakKb / 1024),
          endMb: Math.round(seen.endKb / 1024),
        }))
        .sort((a, b) => b.peakMb - a.peakMb);
    },
  };
}

interface Flow {
  fund: string;
  date: string;
}

async function api<T>(base: string, token: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${pathAndQuery}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The soak itself, against a product already loaded (the tests call it on one of their own). */
export async function soak(product: Product, options: SoakOptions): Promise<SoakFigures> {
  const say = options.say ?? (() => undefined);
  const base = product.url;
  const writesPerSecond = options.writesPerSecond ?? 10;
  const readsPerSecond = options.readsPerSecond ?? 10;
  const batchEvery = (options.batchEverySeconds ?? 30) * 1000;
  const loadStart = os.loadavg()[0] ?? 0;

  // The (fund, date) keys on record are valid trading days of their funds: the feed restates them.
  const { flows: onRecord } = await api<{ flows: Flow[] }>(base, SOAK_TOKEN, "/v1/flows");
  const keys = new Map(onRecord.map(({ fund, date }) => [`${fund} ${date}`, { fund, date }]));
  const known = [...keys.values()];
  if (known.length === 0) throw new Error("soak: the product holds no flows to restate");
  // One token per kind of writer: the API allows each token 600 requests a minute.
  const tokens: string[] = [];
  for (const name of ["soak-feed-a", "soak-feed-b", "soak-batches"]) {
    const created = await api<{ token: string }>(base, SOAK_TOKEN, "/v1/tokens", {
      name,
      scopes: ["flows:write"],
    });
    tokens.push(created.token);
  }
  const ticker = known[0]?.fund ?? "IBIT";
  const readPaths = [
    "/v1/summary",
    `/v1/funds/${ticker}/daily`,
    "/v1/aggregate?by=issuer&period=week",
    "/v1/health",
    "/",
    `/funds/${ticker}/`,
    "/weekly/",
  ];

  const failures: Record<string, number> = {};
  const failureSamples: string[] = [];
  const fail = (kind: string, what: string, detail: string) => {
    failures[`${kind} ${what}`] = (failures[`${kind} ${what}`] ?? 0) + 1;
    if (failureSamples.length < 10) failureSamples.push(`${kind} ${what}: ${detail.slice(0, 200)}`);
  };
  const timed = async (kind: string, samples: number[], send: () => Promise<Response>): Promise<boolean> => {
    const sent = performance.now();
    try {
      const response = await send();
      const text = await response.text();
      samples.push(performance.now() - sent);
      if (response.ok) return true;
      fail(kind, String(response.status), text);
    } catch (error) {
      samples.push(performance.now() - sent);
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      fail(kind, cause, String(error));
    }
    return false;
  };

  // Restarts of the Worker show in wrangler's output; count them from now on.
  let workerReloads = 0;
  let workerCrashes = 0;
  const serverNotes: string[] = [];
  const countReloads = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (/Reloading local server/.test(line)) workerReloads += 1;
      if (/runtime crashed/i.test(line)) workerCrashes += 1;
      if (/Reloading|crashed|error|✘/i.test(line) && serverNotes.length < 20) serverNotes.push(line.trim());
    }
  };
  const server = product.supervisor.current();
  server?.process.stdout?.on("data", countReloads);
  server?.process.stderr?.on("data", countReloads);
  const restartsBefore = product.supervisor.restarts();
  const buildsBefore = product.site.builds();
  const buildFailuresBefore = product.site.failures();

  const memory = memorySampler(1000);
  const writeMs: number[] = [];
  const batchMs: number[] = [];
  const readMs: number[] = [];
  let writeErrors = 0;
  let batchErrors = 0;
  let readErrors = 0;
  let batchRows = 0;
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const run = `${Date.now().toString(36)}`;

  let rebuilding: Promise<unknown> = Promise.resolve();
  if (options.rebuilds === undefined || options.rebuilds === "watch") product.site.watch(1000);
  else {
    const count = options.rebuilds;
    rebuilding = (async () => {
      for (let n = 0; n < count; n++) {
        // A failed build is counted with the failures (the product says why), and the next one goes on.
        const build = await product.site.rebuild().catch(() => null);
        if (build)
          say(
            `soak: forced rebuild ${n + 1} of ${count}: ${build.pages} pages in ${build.seconds.toFixed(1)} s`,
          );
      }
    })();
  }

  const writer = async () => {
    for (let n = 0; performance.now() < deadline; n++) {
      const due = started + (n * 1000) / writesPerSecond;
      await sleep(Math.max(0, due - performance.now()));
      if (performance.now() >= deadline) break;
      const key = known[n % known.length] as Flow;
      const flow = {
        ...key,
        net_flow_usd: `${(n % 997) - 498}.${String(n % 100).padStart(2, "0")}`,
        source: "soak-feed",
      };
      const token = tokens[n % 2] as string;
      pending.push(
        timed("write", writeMs, () =>
          fetch(`${base}/v1/flows`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${token}`,
              "content-type": "application/json",
              "idempotency-key": `soak-${run}-write-${n}`,
            },
            body: JSON.stringify({ flows: [flow] }),
          }),
        ).then((ok) => {
          if (!ok) writeErrors += 1;
        }),
      );
    }
  };
  const batcher = async () => {
    for (let n = 0; ; n++) {
      // The first at a third of the run (the site is rebuilding by then), then every batchEvery.
      const due = started + Math.min(options.seconds * 333, batchEvery) + n * batchEvery;
      if (due >= deadline && n > 0) break;
      await sleep(Math.max(0, due - performance.now()));
      const rows = known.slice(0, 5000).map((key, i) => ({
        ...key,
        net_flow_usd: `${(i % 1999) - 999 + n}.00`,
        source: `soak-batch-${n % 3}`,
      }));
      batchRows += rows.length;
      const ok = await timed("batch", batchMs, () =>
        fetch(`${base}/v1/flows`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${tokens[2]}`,
            "content-type": "application/json",
            "idempotency-key": `soak-${run}-batch-${n}`,
          },
          body: JSON.stringify({ flows: rows }),
        }),
      );
      if (!ok) batchErrors += 1;
      if (performance.now() >= deadline) break;
    }
  };
  const reader = async () => {
    for (let n = 0; performance.now() < deadline; n++) {
      const due = started + (n * 1000) / readsPerSecond;
      await sleep(Math.max(0, due - performance.now()));
      if (performance.now() >= deadline) break;
      const target = readPaths[n % readPaths.length] as string;
      pending.push(
        timed("read", readMs, () => fetch(`${base}${target}`)).then((ok) => {
          if (!ok) readErrors += 1;
        }),
      );
    }
  };

  say(
    `soak: ${options.seconds} s of ${writesPerSecond} writes/s, ${readsPerSecond} reads/s and a ` +
      `${known.length}-row batch every ${Math.round(batchEvery / 1000)} s, the site rebuilding`,
  );
  await Promise.all([writer(), batcher(), reader()]);
  await Promise.all(pending);
  await rebuilding;
  // The build under way when the feed ended is let finish: it was made while the feed ran.
  await product.site.finish();
  server?.process.stdout?.off("data", countReloads);
  server?.process.stderr?.off("data", countReloads);

  const siteBuildFailures = product.site.failures() - buildFailuresBefore;
  if (siteBuildFailures > 0) failures["site build failed"] = siteBuildFailures;
  return {
    seconds: (performance.now() - started) / 1000,
    writesPerSecond,
    writes: latencies(writeMs, writeErrors),
    batches: { ...latencies(batchMs, batchErrors), rows: batchRows },
    reads: latencies(readMs, readErrors),
    errors: writeErrors + batchErrors + readErrors + siteBuildFailures,
    failures,
    failureSamples,
    siteBuilds: product.site.builds() - buildsBefore,
    siteBuildFailures,
    workerReloads,
    workerCrashes,
    serverNotes,
    serverRestarts: product.supervisor.restarts() - restartsBefore,
    memory: memory.stop(),
    loadAverage: { start: loadStart, end: os.loadavg()[0] ?? 0 },
  };
}

/**
 * A fresh product for the soak, in a temporary directory under .wrangler (inside the repository, as
 * the site builds need: ProductOptions.workDir): an empty state, a frozen copy of the Worker (edits
 * to the sources during the run must not restart it), the demo sample loaded and the site built.
 */
export async function startSoakProduct(
  say: (line: string) => void,
): Promise<{ product: Product; work: string }> {
  const work = await mkdtemp(path.join(path.resolve(".wrangler"), "aumflow-soak-"));
  try {
    const persistTo = path.join(work, "state");
    await applyLocalMigrations(persistTo);
    const product = await startProduct({
      port: 0,
      persistTo,
      config: freezeWorker(path.join(work, "worker")),
      vars: { ADMIN_TOKEN: SOAK_TOKEN },
      workDir: path.join(work, "product"),
      say,
    });
    try {
      await runImport({
        files: DEMO_FILES,
        api: product.url,
        token: SOAK_TOKEN,
        stderr: { write: () => true },
      });
      await product.site.rebuild();
    } catch (error) {
      await product.stop();
      throw error;
    }
    return { product, work };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** The bench stage: a fresh product (startSoakProduct), the soak, all gone after. */
export async function benchSoak(options: SoakOptions): Promise<SoakFigures> {
  const say = options.say ?? (() => undefined);
  let started: { product: Product; work: string } | null = null;
  try {
    started = await startSoakProduct((line) => say(line.replace(/^aumflow: /, "soak: ")));
    return await soak(started.product, options);
  } finally {
    await started?.product.stop();
    if (started) rmSync(started.work, { recursive: true, force: true });
  }
}
