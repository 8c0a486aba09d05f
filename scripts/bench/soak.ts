// Soak: the product as `npm start` runs it (scripts/lib/product.ts: the front server, a supervised
// `wrangler dev`, the site rebuilt whenever data_version moves), fresh, with the 2024 demo sample,
// under a steady feed for a while: single-row flow writes at a fixed rate, a large batch now and
// then, and reads of the API and of the site, all while the site rebuilds. Counts every answer that
// is not a success (the aim is none), the restarts of the Worker (none: a rebuild must never restart
// it), the latencies of each kind, and the memory (RSS) of every process the product runs.
//
// The parts: soak-product.ts (the fresh product), soak-feed.ts (the feed and its latencies),
// soak-memory.ts (the RSS per role); here they are run together and the figures put in one answer.
import { rmSync } from "node:fs";
import os from "node:os";
import type { Product } from "../lib/product.ts";
import { createFeed, type FeedFigures, prepareFeed } from "./soak-feed.ts";
import { memorySampler, type ProcessMemory } from "./soak-memory.ts";
import { SOAK_TOKEN, startSoakProduct } from "./soak-product.ts";

export type { Latencies } from "./soak-feed.ts";
export type { ProcessMemory } from "./soak-memory.ts";
export { SOAK_TOKEN, startSoakProduct } from "./soak-product.ts";

/** The feed's figures (soak-feed.ts: latencies, errors, the aim 0), and the product's under it. */
export interface SoakFigures extends FeedFigures {
  seconds: number;
  writesPerSecond: number;
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

/**
 * Counts, from now until `stop`, the restarts of the Worker that show in wrangler's output: reloads
 * ("Reloading local server"), crashes ("The Workers runtime crashed"), and its lines about either.
 */
function watchServerOutput(product: Product) {
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
  return {
    stop: () => {
      server?.process.stdout?.off("data", countReloads);
      server?.process.stderr?.off("data", countReloads);
      return { workerReloads, workerCrashes, serverNotes };
    },
  };
}

/** The soak itself, against a product already loaded (the tests call it on one of their own). */
export async function soak(product: Product, options: SoakOptions): Promise<SoakFigures> {
  const say = options.say ?? (() => undefined);
  const writesPerSecond = options.writesPerSecond ?? 10;
  const readsPerSecond = options.readsPerSecond ?? 10;
  const batchEvery = (options.batchEverySeconds ?? 30) * 1000;
  const loadStart = os.loadavg()[0] ?? 0;
  const targets = await prepareFeed(product.url, SOAK_TOKEN);

  const serverOutput = watchServerOutput(product);
  const restartsBefore = product.supervisor.restarts();
  const buildsBefore = product.site.builds();
  const buildFailuresBefore = product.site.failures();

  const memory = memorySampler(1000);
  const feed = createFeed(targets, {
    base: product.url,
    seconds: options.seconds,
    writesPerSecond,
    readsPerSecond,
    batchEveryMs: batchEvery,
  });

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

  say(
    `soak: ${options.seconds} s of ${writesPerSecond} writes/s, ${readsPerSecond} reads/s and a ` +
      `${targets.known.length}-row batch every ${Math.round(batchEvery / 1000)} s, the site rebuilding`,
  );
  const fed = await feed.run();
  await rebuilding;
  // The build under way when the feed ended is let finish: it was made while the feed ran.
  await product.site.finish();
  const { workerReloads, workerCrashes, serverNotes } = serverOutput.stop();

  const siteBuildFailures = product.site.failures() - buildFailuresBefore;
  if (siteBuildFailures > 0) fed.failures["site build failed"] = siteBuildFailures;
  return {
    seconds: (performance.now() - feed.started) / 1000,
    writesPerSecond,
    writes: fed.writes,
    batches: fed.batches,
    reads: fed.reads,
    errors: fed.errors + siteBuildFailures,
    failures: fed.failures,
    failureSamples: fed.failureSamples,
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
