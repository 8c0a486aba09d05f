// `npm run types`: generate the Worker's `Env` (worker-configuration.d.ts) from wrangler.toml with
// `wrangler types`. `--check` regenerates into a temporary directory instead and fails when the committed
// file differs, so a binding added to wrangler.toml without regenerating fails the tests.
// Secrets are named in .dev.vars.example, not read from .dev.vars, which a fresh clone does not have.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bin } from "./lib/processes.ts";

const TYPES_FILE = "worker-configuration.d.ts";
// Runtime types come from @cloudflare/workers-types; vars stay `string` so a deployment may change them.
const FLAGS = [
  "--env-file=.dev.vars.example",
  "--include-runtime=false",
  "--strict-vars=false",
  "--include-main-module=false",
];

function generate(outputPath?: string): void {
  const args = ["types", ...(outputPath ? [outputPath] : []), ...FLAGS];
  const result = spawnSync(bin("wrangler"), args, {
    stdio: outputPath ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    if (outputPath) process.stderr.write(result.stderr);
    process.exit(result.status ?? 1);
  }
}

if (process.argv.includes("--check")) {
  const directory = mkdtempSync(path.join(tmpdir(), "aumflow-types-"));
  try {
    const fresh = path.join(directory, TYPES_FILE);
    generate(fresh);
    // The header names the command that wrote the file, output path included: compare without it.
    const expected = readFileSync(fresh, "utf8").replace(` ${fresh}`, "");
    if (readFileSync(TYPES_FILE, "utf8") !== expected) {
      process.stderr.write(`${TYPES_FILE} is out of date with wrangler.toml: run \`npm run types\`\n`);
      process.exitCode = 1;
    } else process.stdout.write(`${TYPES_FILE} is current\n`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
} else generate();
