// `npm run bench -- --quick` keeps working: it completes and writes bench/results/latest.json with
// every stage's figures. Nothing here asserts a speed: the machine running the tests is shared.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function runQuickBench(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/bench.ts", "--quick"],
      { cwd: root, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

it("runs the quick bench to the end and writes every stage's figures", async () => {
  const { code, stdout, stderr } = await runQuickBench();
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  expect(stdout).toMatch(/on \d+ cores/);
  const result = JSON.parse(readFileSync(path.join(root, "bench/results/latest.json"), "utf8"));
  expect(result.mode).toBe("quick");
  expect(Object.keys(result)).toEqual(
    expect.arrayContaining([
      "machine",
      "universe",
      "engine",
      "ingest",
      "backfill",
      "restatement",
      "reads",
      "site",
      "aims",
    ]),
  );
  expect(result.machine.cores).toBeGreaterThan(0);
  expect(result.engine).toHaveProperty("fundDaysPerSecond");
  expect(result.ingest.map((run: { order: string }) => run.order)).toEqual(["date", "fund"]);
  for (const run of result.ingest) {
    expect(run).toHaveProperty("ratio");
    expect(run.sqlite).toHaveProperty("rowsPerSecond");
  }
  expect(result.backfill).toHaveProperty("rowsPerSecond");
  expect(result.restatement).toHaveProperty("ratio");
  expect(result.restatement.matchesFullRecompute).toBe(true);
  expect(result.reads.reads).toHaveLength(3);
  expect(result.reads.etag).toHaveProperty("revalidatedStatus");
  // The site stage depends on scripts/build-site.ts; without it the bench says so instead.
  expect(result.site).toSatisfy((site: object) => "pages" in site || "skipped" in site);
  expect(result.aims.length).toBeGreaterThan(0);
}, 300_000);
