// Keeps a local server running: notices when it exits, and when its process lives on but stops
// answering /v1/health (wrangler replaces a killed workerd with one that takes connections and never
// answers), says so with the server's last lines, and starts a fresh one, a few times at most before
// giving up (then `ended` resolves 1 and the caller exits non-zero).
import type { LocalServer } from "./local-server.ts";

export interface SuperviseOptions {
  /** Starts a fresh server (on a port of its own) and resolves once it answers. */
  start: () => Promise<LocalServer>;
  /** The server already started. */
  first: LocalServer;
  /** A new server answers: point clients at it. */
  onUp: (server: LocalServer) => void;
  /** The server is gone or unresponsive: clients must wait. */
  onDown: () => void;
  say: (line: string) => void;
  /**
   * When the server last answered anything (the caller sees its answers pass): a busy server whose
   * health answer waits behind slow requests is not a hung one, and must not be replaced.
   */
  activity?: () => number;
  /** How often /v1/health is asked (default 2 s), and how long one answer may take (default 5 s). */
  probeEveryMs?: number;
  probeTimeoutMs?: number;
  /**
   * Declared unresponsive after this long with no answer to /v1/health nor to anything else, and no
   * line printed, while its process runs (default 15 s).
   */
  unresponsiveAfterMs?: number;
  /** Restarts allowed within restartWindowMs (default 3 in 10 minutes) before giving up. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

export interface Supervisor {
  current: () => LocalServer | null;
  /** Restarts so far. */
  restarts: () => number;
  /** Stops the server and the supervision; `ended` then resolves 0. */
  stop: () => Promise<void>;
  /** 0 after stop(), 1 when the server could not be kept running. */
  ended: Promise<number>;
}

/** The last `count` non-empty lines of a log, indented for quoting under a message. */
export function lastLines(log: string, count = 15): string {
  const lines = log
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
  if (lines.length === 0) return "  │ (it printed nothing)";
  return lines
    .slice(-count)
    .map((line) => `  │ ${line}`)
    .join("\n");
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed (${signal})`;
  return `exited with code ${code}`;
}

export function supervise(options: SuperviseOptions): Supervisor {
  const probeEveryMs = options.probeEveryMs ?? 2000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;
  const unresponsiveAfterMs = options.unresponsiveAfterMs ?? 15_000;
  const maxRestarts = options.maxRestarts ?? 3;
  const restartWindowMs = options.restartWindowMs ?? 10 * 60_000;
  const say = options.say;

  let server: LocalServer | null = options.first;
  let stopping = false;
  let recovering = false;
  let lastAnswer = Date.now();
  const restartTimes: number[] = [];
  let restartCount = 0;
  let finish: (code: number) => void = () => undefined;
  const ended = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const watchExit = (watched: LocalServer) => {
    watched.process.once("exit", (code, signal) => {
      if (stopping || watched !== server) return;
      void recover(watched, `the server (wrangler dev) ${describeExit(code, signal)}`);
    });
  };

  async function recover(failed: LocalServer, what: string): Promise<void> {
    if (recovering || stopping) return;
    recovering = true;
    server = null;
    options.onDown();
    say(`aumflow: ${what}; its last lines:\n${lastLines(failed.recentLog())}`);
    await failed.stop().catch(() => undefined);
    try {
      for (;;) {
        const now = Date.now();
        while (restartTimes.length > 0 && (restartTimes[0] ?? 0) < now - restartWindowMs)
          restartTimes.shift();
        if (restartTimes.length >= maxRestarts) {
          say(
            `aumflow: giving up: the server failed ${restartTimes.length + 1} times within ` +
              `${Math.round(restartWindowMs / 60_000)} minutes`,
          );
          stopping = true;
          clearInterval(timer);
          finish(1);
          return;
        }
        restartTimes.push(now);
        restartCount += 1;
        say(`aumflow: starting a fresh server (restart ${restartTimes.length} of at most ${maxRestarts})`);
        try {
          const fresh = await options.start();
          if (stopping) {
            await fresh.stop();
            return;
          }
          server = fresh;
          lastAnswer = Date.now();
          watchExit(fresh);
          options.onUp(fresh);
          say(`aumflow: the server answers again (${fresh.url})`);
          return;
        } catch (error) {
          say(`aumflow: the server did not start: ${firstLine((error as Error).message)}`);
        }
      }
    } finally {
      recovering = false;
    }
  }

  async function probe(): Promise<void> {
    const watched = server;
    if (!watched || recovering || stopping) return;
    try {
      const response = await fetch(`${watched.url}/v1/health`, {
        signal: AbortSignal.timeout(probeTimeoutMs),
      });
      await response.arrayBuffer();
      if (response.ok) lastAnswer = Date.now();
    } catch {
      // no answer: counted below
    }
    if (watched !== server || stopping) return;
    const lastSign = Math.max(lastAnswer, watched.lastOutputAt?.() ?? 0, options.activity?.() ?? 0);
    const silentMs = Date.now() - lastSign;
    if (silentMs >= unresponsiveAfterMs) {
      await recover(
        watched,
        `the server (wrangler dev) has not answered /v1/health, nor anything else, for ` +
          `${Math.round(silentMs / 1000)} s although its process runs`,
      );
    }
  }

  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    void probe().finally(() => {
      probing = false;
    });
  }, probeEveryMs);
  watchExit(options.first);

  return {
    current: () => server,
    restarts: () => restartCount,
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await server?.stop();
      finish(0);
    },
    ended,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
