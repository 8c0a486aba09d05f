// `npm run bench [-- --quick] [--only engine,ingest,backfill,site,restatement,reads,soak]`: aumflow's
// speed, measured in one run on this machine, each figure beside a baseline measured in the same run:
// the engine, ingest through the API against bare SQLite, a bulk backfill of a synthetic universe,
// the site built from it, a restatement against a full recompute, reads under load against
// /v1/health, and a soak of the product as `npm start` runs it (writes, batches and reads while the
// site rebuilds: errors, latencies, memory; --soak-seconds N, default 180, 20 with --quick). Prints a
// table and writes bench/results/latest.json. --quick: a small universe, under a minute, and no soak
// unless --only names it. Every server is a fresh `wrangler dev` on an empty temporary --persist-to.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchBackfill } from "./bench/backfill.ts";
import { benchEngine } from "./bench/engine.ts";
import { benchIngest } from "./bench/ingest.ts";
import { benchReads } from "./bench/reads.ts";
import { aimsOf, type BenchResult, formatResult, machine, notRun, type Stage } from "./bench/report.ts";
import { benchRestatement } from "./bench/restatement.ts";
import { type BenchServer, startBenchServer } from "./bench/server.ts";
import { benchSite } from "./bench/site.ts";
import { benchSoak } from "./bench/soak.ts";
import { STAGE_NAMES, STAGES, type StageName, stagesOn } from "./bench/stages.ts";
import { FULL_UNIVERSE, midHistoryDay, QUICK_UNIVERSE, writeUniverse } from "./bench/universe.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "soak-seconds": { type: "string" },
  },
});
const quick = values.quick ?? false;
const defaultStages = STAGE_NAMES.filter((name) => !quick || STAGES[name].inQuick);
const only = new Set((values.only ?? defaultStages.join(",")).split(",") as StageName[]);
const soakSeconds = Number(values["soak-seconds"] ?? (quick ? 20 : 180));
if (!Number.isFinite(soakSeconds) || soakSeconds <= 0) {
  process.stderr.write("bench: --soak-seconds must be a positive number of seconds\n");
  process.exit(2);
}
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

const result: BenchResult = {
  mode: quick ? "quick" : "full",
  startedAt: new Date().toISOString(),
  seconds: 0,
  machine: machine(),
  universe: null,
  ...notRun(quick),
  aims: [],
};

async function stage<T>(name: StageName, run: () => Promise<T>): Promise<Stage<T>> {
  if (!only.has(name)) return result[name] as Stage<T>;
  say(`${name}…`);
  const started = performance.now();
  try {
    const figures = await run();
    say(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return figures;
  } catch (error) {
    say(`${name} failed: ${(error as Error).stack ?? error}`);
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const started = performance.now();
const work = mkdtempSync(path.join(os.tmpdir(), "aumflow-bench-"));
const servers: BenchServer[] = [];
const stopAll = async () => {
  await Promise.all(servers.map((server) => server.dispose().catch(() => undefined)));
  rmSync(work, { recursive: true, force: true });
};
process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));

try {
  result.engine = await stage("engine", () => benchEngine({ quick }));

  const needsLoaded = stagesOn("loaded server").some((name) => only.has(name));
  // The site, the restatement and the reads measure the backfilled universe: without it they would
  // measure an empty product.
  if (needsLoaded) only.add("backfill");
  // The soak runs on the demo sample: alone, it needs no universe.
  if (needsLoaded || stagesOn("universe").some((name) => only.has(name))) {
    say("writing the synthetic universe");
    const universe = writeUniverse(quick ? QUICK_UNIVERSE : FULL_UNIVERSE, path.join(work, "universe"));
    const { funds, years, rows, firstDay, lastDay } = universe;
    result.universe = { funds, years, rows, firstDay, lastDay };
    // Ingest posts a smaller set one batch at a time with the recompute after each, as a provider would.
    const ingestUniverse = quick
      ? universe
      : writeUniverse({ funds: 100, years: 2 }, path.join(work, "ingest"));

    // One at a time: two `wrangler d1 migrations apply` side by side once hung the bench for good.
    const start = async () => {
      say("starting a fresh local Worker (wrangler dev, empty D1 and KV)");
      const server = await withTimeout(startBenchServer(), 120_000, "starting wrangler dev");
      servers.push(server);
      return server;
    };
    if (only.has("ingest")) {
      result.ingest = await stage("ingest", async () => {
        const runs = [];
        for (const order of ["date", "fund"] as const) {
          const ingestServer = await start();
          try {
            runs.push(await benchIngest(ingestUniverse, ingestServer, quick ? 1000 : 5000, order));
          } finally {
            await ingestServer.dispose();
          }
        }
        return runs;
      });
    }
    const loadedServer = needsLoaded ? await start() : null;
    if (loadedServer) {
      // Later stages read the backfilled universe: without it they have nothing to measure.
      result.backfill = await stage("backfill", () => benchBackfill(universe, loadedServer, say));
      if ("error" in result.backfill) throw new Error(`backfill failed: ${result.backfill.error}`);
      result.site = await stage("site", () =>
        benchSite(root, loadedServer.url, {
          token: loadedServer.token,
          fund: universe.tickers[Math.floor(universe.tickers.length / 2)] as string,
          date: midHistoryDay(universe, 3),
        }),
      );
      result.restatement = await stage("restatement", () => benchRestatement(loadedServer, universe));
      result.reads = await stage("reads", () =>
        benchReads(loadedServer.url, {
          ticker: universe.tickers[Math.floor(universe.tickers.length / 3)] as string,
          lastDay: universe.lastDay,
          seconds: quick ? 5 : 10,
          healthTwice: !quick,
        }),
      );
      // Gone before the soak, which must have the machine to itself.
      await loadedServer.dispose();
    }
  }
  // Last, alone on the machine: it starts a product of its own.
  result.soak = await stage("soak", () =>
    benchSoak({ seconds: soakSeconds, batchEverySeconds: quick ? 10 : 30, say }),
  );
} catch (error) {
  say(`stopped: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

result.seconds = (performance.now() - started) / 1000;
result.machine.loadAverage.end = os.loadavg()[0] ?? 0;
result.aims = aimsOf(result);
const failed = STAGE_NAMES.filter((name) => "error" in result[name]);
if (failed.length > 0) process.exitCode = 1;
mkdirSync(path.join(root, "bench/results"), { recursive: true });
writeFileSync(path.join(root, "bench/results/latest.json"), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${formatResult(result)}\n`);
process.stdout.write(
  `written to bench/results/latest.json${failed.length ? `; failed: ${failed.join(", ")}` : ""}\n`,
);
