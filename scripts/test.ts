// `npm test`: the static checks of `npm run check`, then every test (Worker tests inside workerd,
// command-line and browser tests in Node), and one closing line `N passed, N failed` for CI.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { runChecks } from "./lib/checks.ts";
import { ensureChromium } from "./lib/chromium.ts";
import { bin } from "./lib/processes.ts";

ensureChromium();
const checks = runChecks();

mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
process.stdout.write("\n== vitest\n");
const vitest = spawnSync(
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);

let passed = checks.filter((outcome) => outcome.ok).length;
let failed = checks.length - passed;
try {
  const results = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    testResults: { status: string }[];
  };
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  // A file that failed to load has no test results of its own: count it as a failure.
  if (vitest.status !== 0 && results.numFailedTests === 0) failed += 1;
} catch {
  failed += 1;
}
for (const outcome of checks.filter((outcome) => !outcome.ok))
  process.stdout.write(`failed: ${outcome.name}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && vitest.status === 0 ? 0 : 1;
