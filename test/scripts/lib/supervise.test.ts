// npm start supervises its server: killed, it is noticed, reported with its last lines and replaced;
// alive but silent (its workerd processes stopped), it is noticed within the health deadline and
// replaced; the public port stays the same throughout. And the supervisor gives up (ended → 1, so
// npm start exits non-zero) when a server keeps failing.
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalServer } from "../../../scripts/lib/local-server.ts";
import { supervise } from "../../../scripts/lib/supervise.ts";
import { alive, descendants, healthy, type NpmStart, npmStart } from "../../helpers/npm-start.ts";

describe("npm start", () => {
  let run: NpmStart;
  const seen = new Set<number>();

  beforeAll(async () => {
    run = await npmStart();
    await run.waitFor(/API and site: +http/, 150_000);
  }, 200_000);

  afterAll(async () => {
    for (const p of descendants(run.child.pid as number)) seen.add(p.pid);
    run.child.kill("SIGINT");
    await run.exited;
    for (const pid of alive([...seen])) process.kill(pid, "SIGKILL");
    rmSync(run.localDir, { recursive: true, force: true });
  });

  it("notices its server killed, says so with the server's last lines, and starts a fresh one", async () => {
    const from = run.output().length;
    const wrangler = descendants(run.child.pid as number).find((p) =>
      p.cmdline.includes("wrangler-dist/cli.js"),
    );
    expect(wrangler).toBeDefined();
    process.kill(wrangler?.pid as number, "SIGKILL");
    const said = await run.waitFor(
      /the server \(wrangler dev\) [^\n]*; its last lines:\n {2}│ /,
      30_000,
      from,
    );
    expect(said.slice(from)).toMatch(/exited with code|was killed/);
    await run.waitFor(/aumflow: the server answers again/, 120_000, from);
    expect(await healthy(run.url)).toBe(true);
  }, 180_000);

  it("notices a server whose processes live but do not answer, and replaces it", async () => {
    const from = run.output().length;
    const workerds = descendants(run.child.pid as number).filter((p) => p.cmdline.includes("workerd serve"));
    expect(workerds.length).toBeGreaterThanOrEqual(1);
    for (const p of workerds) {
      seen.add(p.pid);
      process.kill(p.pid, "SIGSTOP");
    }
    const stoppedAt = Date.now();
    await run.waitFor(
      /has not answered \/v1\/health, nor anything else, for \d+ s although its process runs/,
      60_000,
      from,
    );
    expect(Date.now() - stoppedAt).toBeLessThan(40_000);
    await run.waitFor(/aumflow: the server answers again/, 120_000, from);
    expect(await healthy(run.url)).toBe(true);
    expect(alive(workerds.map((p) => p.pid))).toEqual([]);
  }, 180_000);
});

describe("supervise", () => {
  /** A server that answers /v1/health as told, with a process that can be made to exit. */
  async function fakeServer(answer: "ok" | "hang") {
    const http_ = http.createServer((_request, response) => {
      if (answer === "ok") response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => http_.listen(0, "127.0.0.1", resolve));
    const process_ = new EventEmitter();
    const server: LocalServer & { exit: (code: number) => void } = {
      url: `http://127.0.0.1:${(http_.address() as AddressInfo).port}`,
      process: process_ as LocalServer["process"],
      recentLog: () => `starting\nlast words of a ${answer} server\n`,
      stop: async () => {
        http_.closeAllConnections();
        await new Promise((resolve) => http_.close(resolve));
      },
      exit: (code) => process_.emit("exit", code, null),
    };
    return server;
  }

  it("leaves a busy server alone: one whose health waits but which answers other requests", async () => {
    const busy = await fakeServer("hang");
    let lastAnswer = Date.now();
    const answering = setInterval(() => {
      lastAnswer = Date.now();
    }, 50);
    const lines: string[] = [];
    const supervisor = supervise({
      first: busy,
      start: async () => {
        throw new Error("must not restart");
      },
      onUp: () => undefined,
      onDown: () => undefined,
      say: (line) => lines.push(line),
      activity: () => lastAnswer,
      probeEveryMs: 50,
      probeTimeoutMs: 100,
      unresponsiveAfterMs: 300,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    clearInterval(answering);
    expect(lines).toEqual([]);
    expect(supervisor.restarts()).toBe(0);
    await supervisor.stop();
    expect(await supervisor.ended).toBe(0);
  });

  it("replaces a server that stops answering, then gives up on one that keeps failing", async () => {
    const lines: string[] = [];
    const silent = await fakeServer("hang");
    const fresh = await fakeServer("ok");
    const up: string[] = [];
    let down = 0;
    const starts = [fresh];
    const supervisor = supervise({
      first: silent,
      start: async () => {
        const next = starts.shift();
        if (next) return next;
        throw new Error("no more servers");
      },
      onUp: (server) => up.push(server.url),
      onDown: () => {
        down += 1;
      },
      say: (line) => lines.push(line),
      probeEveryMs: 50,
      probeTimeoutMs: 100,
      unresponsiveAfterMs: 400,
      maxRestarts: 2,
    });
    const deadline = Date.now() + 10_000;
    while (up.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(up).toEqual([fresh.url]);
    expect(down).toBe(1);
    expect(lines.join("\n")).toMatch(
      /has not answered \/v1\/health, nor anything else, for \d+ s although its process runs/,
    );
    expect(lines.join("\n")).toContain("  │ last words of a hang server");
    expect(supervisor.current()).toBe(fresh);

    // Now the fresh one dies, and no server will start again: one more try, then it gives up.
    fresh.exit(1);
    expect(await supervisor.ended).toBe(1);
    const said = lines.join("\n");
    expect(said).toContain("the server (wrangler dev) exited with code 1; its last lines:");
    expect(said).toContain("the server did not start: no more servers");
    expect(said).toMatch(/giving up: the server failed 3 times within 10 minutes/);
    expect(supervisor.restarts()).toBe(2);
    await silent.stop();
  }, 30_000);
});
