// The same code deploys to Cloudflare: wrangler bundles it and checks the configuration.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";

it("passes wrangler deploy --dry-run", () => {
  if (!existsSync("site/dist")) mkdirSync("site/dist", { recursive: true });
  const outdir = mkdtempSync(join(tmpdir(), "aumflow-dry-run-"));
  const output = execFileSync("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  expect(output).toContain("--dry-run: exiting now.");
  expect(output).toMatch(/env\.DB/);
  expect(output).toMatch(/env\.KV/);
}, 120_000);
