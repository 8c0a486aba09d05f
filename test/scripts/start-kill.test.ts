// `npm start` killed outright (SIGKILL, which no handler can catch): nothing it started outlives it
// (wrangler, workerd and a site build in progress stop by themselves), the port is free at once, and
// the next `npm start` on the same port and state just works; Ctrl-C then stops everything cleanly.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  alive,
  descendants,
  healthy,
  type NpmStart,
  npmStart,
  processes,
  until,
} from "../helpers/npm-start.ts";

const started: NpmStart[] = [];
const seen = new Set<number>();

afterAll(() => {
  for (const pid of alive([...seen])) process.kill(pid, "SIGKILL");
  for (const run of started) rmSync(run.localDir, { recursive: true, force: true });
});

const describeAll = (pids: number[]) =>
  processes()
    .filter((p) => pids.includes(p.pid))
    .map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`)
    .join("\n");

it("leaves no process behind when SIGKILLed, and a second start takes the port", async () => {
  const first = await npmStart();
  started.push(first);
  const pid = first.child.pid as number;
  await first.waitFor(/starting the API and the site on port/);
  await until(() => healthy(first.url), 120_000, "npm start did not answer /v1/health");
  // Right after the API answers, the first site build starts: kill while it runs if it can be seen.
  await until(
    () => descendants(pid).some((p) => p.cmdline.includes("build-site.ts")),
    30_000,
    "no site build started",
  ).catch(() => undefined);
  const running = descendants(pid);
  for (const p of running) seen.add(p.pid);
  const kinds = running.map((p) => p.cmdline);
  expect(kinds.some((c) => c.includes("guard.ts"))).toBe(true);
  expect(kinds.some((c) => c.includes("wrangler-dist/cli.js"))).toBe(true);
  expect(kinds.filter((c) => c.includes("workerd serve")).length).toBeGreaterThanOrEqual(1);

  process.kill(pid, "SIGKILL");
  await first.exited;
  const pids = running.map((p) => p.pid);
  await until(() => alive(pids).length === 0, 20_000, "processes outlived npm start").catch((error) => {
    throw new Error(`${(error as Error).message}:\n${describeAll(alive(pids))}`);
  });
  // Its aumflow-local.json is left behind naming a dead pid: the next start must not mind.
  expect(existsSync(path.join(first.localDir, "aumflow-local.json"))).toBe(true);

  const second = await npmStart({ port: first.port, localDir: first.localDir });
  started.push(second);
  await second.waitFor(/API and site: +http:\/\/127\.0\.0\.1:\d+\//, 150_000);
  expect(await healthy(second.url)).toBe(true);
  expect(second.output()).not.toMatch(/port \d+ is taken/);

  const secondPids = descendants(second.child.pid as number).map((p) => p.pid);
  for (const p of secondPids) seen.add(p);
  second.child.kill("SIGINT");
  expect((await second.exited).code).toBe(0);
  await until(() => alive(secondPids).length === 0, 20_000, "processes outlived Ctrl-C").catch((error) => {
    throw new Error(`${(error as Error).message}:\n${describeAll(alive(secondPids))}`);
  });
  expect(existsSync(path.join(first.localDir, "aumflow-local.json"))).toBe(false);
  expect(await healthy(second.url)).toBe(false);
}, 300_000);
