// The whole local product as `npm start` runs it: the front server on the public port (the site, and
// the Worker's routes passed through), `wrangler dev` on a private port under a supervisor, and the
// site rebuilt from the API into a fresh directory whenever data_version moves, switched to at once
// when complete. Rebuilding never touches anything wrangler watches, so it never restarts the API
// under a request. The bench's soak stage and the tests start it the same way.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type BuildSiteResult, buildSite } from "../build-site.ts";
import { type FrontServer, startFrontServer } from "./front-server.ts";
import { type LocalServer, startLocalServer } from "./local-server.ts";
import { type SuperviseOptions, type Supervisor, supervise } from "./supervise.ts";

export interface ProductOptions {
  /** The public port (0: any free one). */
  port: number;
  /** D1 and KV state (default .wrangler/state). */
  persistTo?: string;
  /** The Worker's wrangler.toml, if not the repository's (a frozen copy: freezeWorker). */
  config?: string;
  vars?: Record<string, string>;
  /**
   * Holds the site builds (site/) and the empty assets directory wrangler is given (no-assets/).
   * Inside the repository: Astro writes a build's chunks into its output directory only when that
   * lies under the working directory (else into ./.astro, which concurrent builds would share), and
   * they must resolve their packages from node_modules.
   */
  workDir: string;
  say: (line: string) => void;
  /** Every line of every site build, not only warnings, errors and a closing summary. */
  verbose?: boolean;
  supervision?: Pick<
    SuperviseOptions,
    "probeEveryMs" | "probeTimeoutMs" | "unresponsiveAfterMs" | "maxRestarts" | "restartWindowMs"
  >;
}

export interface SiteBuild extends BuildSiteResult {
  version: number;
}

export interface SiteBuilder {
  /** Builds the site for the current data_version now and publishes it (after any build running). */
  rebuild: () => Promise<SiteBuild>;
  /** Rebuilds when data_version moved since the last build; null when it did not. */
  rebuildIfChanged: () => Promise<SiteBuild | null>;
  /** Checks every `everyMs` and rebuilds when the data changed, until stop(). */
  watch: (everyMs?: number) => void;
  builds: () => number;
  /** Builds that failed so far. */
  failures: () => number;
  /** Stops watching; resolves once the build in progress, if any, is done. */
  finish: () => Promise<void>;
  /** Stops watching and kills a build in progress. */
  stop: () => Promise<void>;
}

export interface Product {
  url: string;
  front: FrontServer;
  supervisor: Supervisor;
  site: SiteBuilder;
  /** Everything stopped; resolves when nothing started here runs any more. */
  stop: () => Promise<void>;
}

const CURRENT = "current";

/** Site builds under `dir`, the published one named in `dir/current`. */
function siteBuilds(dir: string) {
  mkdirSync(dir, { recursive: true });
  const current = (): string | null => {
    try {
      const name = readFileSync(path.join(dir, CURRENT), "utf8").trim();
      return name && existsSync(path.join(dir, name, "index.html")) ? path.join(dir, name) : null;
    } catch {
      return null;
    }
  };
  /** Deletes every build but the ones named: the current one, and the one it replaced (in use still). */
  const prune = (keep: (string | null)[]) => {
    const kept = new Set(keep.filter((name) => name !== null).map((name) => path.basename(name)));
    for (const entry of readdirSync(dir)) {
      if (entry === CURRENT || kept.has(entry)) continue;
      rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  };
  return {
    current,
    fresh: (version: number) => path.join(dir, `v${version}-${Date.now()}`),
    publish: (build: string, previous: string | null) => {
      const temporary = path.join(dir, `${CURRENT}.tmp`);
      writeFileSync(temporary, `${path.basename(build)}\n`);
      renameSync(temporary, path.join(dir, CURRENT));
      prune([build, previous]);
    },
    prune,
  };
}

/** Astro's own lines worth showing when not verbose: warnings and errors (its errors go to stderr). */
const WORTH_SHOWING = /\b(warn|warning|error)\b/i;

function siteBuilder(product: { url: string; front: FrontServer }, options: ProductOptions): SiteBuilder {
  const builds = siteBuilds(path.join(options.workDir, "site"));
  // Start from the last build published here (a previous run's) while the first one is made.
  product.front.publishSite(builds.current());
  builds.prune([builds.current()]);

  let builtVersion = -1;
  let count = 0;
  let failed = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let lastFailure = "";
  let stopped = false;

  async function currentVersion(): Promise<number> {
    const response = await fetch(`${product.url}/v1/health`, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`GET /v1/health answered ${response.status}`);
    return ((await response.json()) as { data_version: number }).data_version;
  }

  async function buildNow(version: number): Promise<SiteBuild> {
    const outDir = builds.fresh(version);
    const started = performance.now();
    const log = options.verbose
      ? options.say
      : (line: string) => {
          if (WORTH_SHOWING.test(line)) options.say(line);
        };
    if (options.verbose) options.say(`aumflow: building the site for data_version ${version}`);
    const result = await buildSite({
      api: product.url,
      outDir,
      // What the published build shows unchanged is kept from it; fund histories stay between builds.
      previous: product.front.siteDir() ?? false,
      cacheDir: path.join(options.workDir, "site-cache"),
      quiet: !options.verbose,
      log,
      signal: abort.signal,
    }).catch((error: unknown) => {
      if (!abort.signal.aborted) failed += 1;
      throw error;
    });
    const previous = product.front.siteDir();
    product.front.publishSite(outDir);
    builds.publish(outDir, previous);
    builtVersion = version;
    count += 1;
    const seconds = (performance.now() - started) / 1000;
    options.say(
      `aumflow: site built for data_version ${version}: ${result.pages} pages in ${seconds.toFixed(1)} s`,
    );
    lastFailure = "";
    return { ...result, version };
  }

  /** One build at a time, in the order asked. */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  const rebuild = () => serial(async () => buildNow(await currentVersion()));
  const rebuildIfChanged = () =>
    serial(async () => {
      const version = await currentVersion();
      return version === builtVersion ? null : buildNow(version);
    });

  return {
    rebuild,
    rebuildIfChanged,
    builds: () => count,
    failures: () => failed,
    watch: (everyMs = 2000) => {
      let busy = false;
      timer = setInterval(async () => {
        if (busy || stopped) return;
        busy = true;
        try {
          await rebuildIfChanged();
        } catch (error) {
          if (stopped) return;
          // Said once, not every two seconds: the supervisor speaks for a server that is down.
          const message = (error as Error).message;
          if (message !== lastFailure) options.say(`aumflow: site rebuild failed: ${message}`);
          lastFailure = message;
        } finally {
          busy = false;
        }
      }, everyMs);
    },
    finish: async () => {
      if (timer) clearInterval(timer);
      timer = null;
      await queue;
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      abort.abort();
      await queue;
      abort = new AbortController();
    },
  };
}

export async function startProduct(options: ProductOptions): Promise<Product> {
  const noAssets = path.join(options.workDir, "no-assets");
  mkdirSync(noAssets, { recursive: true });
  // The public port first: if it is taken, nothing else is started.
  const front = await startFrontServer({
    port: options.port,
    api: null,
    siteDir: null,
    onProxyError: (line) => options.say(`aumflow: ${line}`),
  });
  const startServer = async (): Promise<LocalServer> =>
    startLocalServer({
      assetsDir: noAssets,
      ...(options.persistTo && { persistTo: options.persistTo }),
      ...(options.config && { config: options.config }),
      ...(options.vars && { vars: options.vars }),
    });
  let first: LocalServer;
  try {
    first = await startServer();
  } catch (error) {
    await front.close();
    throw error;
  }
  front.setApi(first.url);
  const supervisor = supervise({
    start: startServer,
    first,
    onUp: (server) => front.setApi(server.url),
    onDown: () => front.setApi(null),
    say: options.say,
    activity: front.lastApiAnswerAt,
    ...options.supervision,
  });
  const site = siteBuilder({ url: front.url, front }, options);
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await site.stop();
      await supervisor.stop();
      await front.close();
    })();
    return stopping;
  };
  return { url: front.url, front, supervisor, site, stop };
}
