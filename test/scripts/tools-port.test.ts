// The tools find the running product by themselves: `npm start` on a port other than 8787 writes its
// URL to aumflow-local.json, and the importer, recompute and the site build use it without --api.
// With nothing running they say so in one sentence (no stack trace), and --api still wins.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NODE, type NpmStart, npmStart, root, toolEnv } from "../helpers/npm-start.ts";

let run: NpmStart;
// Inside the repository, as site builds must be (ProductOptions.workDir).
const work = mkdtempSync(path.join(root, ".wrangler", "aumflow-tools-"));

function tool(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(NODE, [script, ...args], { cwd: root, env, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  run = await npmStart();
  await run.waitFor(/API and site: +http/, 150_000);
}, 200_000);

afterAll(async () => {
  if (run.child.exitCode === null) {
    run.child.kill("SIGINT");
    await run.exited;
  }
  rmSync(run.localDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

it("finds npm start on its port from aumflow-local.json, and names nothing running in one sentence", async () => {
  expect(run.port).not.toBe(8787);
  // The site build says one line, not one per page.
  expect(run.output()).toMatch(/aumflow: site built for data_version \d+: \d+ pages in [\d.]+ s\n/);
  expect(run.output()).not.toMatch(/├─|└─|generating static routes/i);
  const running = JSON.parse(readFileSync(path.join(run.localDir, "aumflow-local.json"), "utf8"));
  expect(running).toMatchObject({ url: run.url, port: run.port, pid: run.child.pid });
  const env = toolEnv(run.localDir);

  const imported = await tool("scripts/import.ts", ["data/demo/funds.csv"], env);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/funds {5}inserted 11/);

  const recomputed = await tool("scripts/recompute.ts", [], env);
  expect(recomputed.code, recomputed.stderr).toBe(0);
  expect(recomputed.stderr).toContain(`funds queued at ${run.url}`);
  expect(recomputed.stderr).toMatch(/recompute: done in/);

  const built = await tool("scripts/build-site.ts", ["--out", path.join(work, "site"), "--quiet"], env);
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toContain(`API at ${run.url} answers`);

  run.child.kill("SIGINT");
  expect((await run.exited).code).toBe(0);

  const noProduct = /no aumflow is running here: start one with `npm start`, or pass --api URL/;
  for (const [script, args] of [
    ["scripts/import.ts", ["data/demo/funds.csv"]],
    ["scripts/recompute.ts", []],
    ["scripts/build-site.ts", ["--out", path.join(work, "site")]],
  ] as const) {
    const answer = await tool(script, [...args], env);
    expect(answer.code, script).toBe(1);
    expect(answer.stderr, script).toMatch(noProduct);
    expect(answer.stderr.trim().split("\n"), script).toHaveLength(1);
    expect(answer.stderr, script).not.toMatch(/\n\s+at /);
  }

  // --api is taken as given; an API that is not there is one sentence too.
  const unreachable = await tool("scripts/recompute.ts", ["--api", "http://127.0.0.1:9"], env);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr.trim()).toMatch(
    /^recompute failed: cannot reach the API at http:\/\/127\.0\.0\.1:9 /,
  );
  expect(unreachable.stderr.trim().split("\n")).toHaveLength(1);
}, 300_000);
