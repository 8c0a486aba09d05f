// The static checks, in the order `npm run check` and `npm test` run them: formatter and linter, the
// generated `Env` and API types being current, then the types of the Worker, the scripts and the
// site's .astro files.
import { spawnSync } from "node:child_process";
import { bin } from "./processes.ts";

export interface Outcome {
  name: string;
  ok: boolean;
}

function check(name: string, command: string, args: string[]): Outcome {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  return { name, ok: result.status === 0 };
}

/** Runs every check, even after one fails, so one run reports them all. */
export function runChecks(): Outcome[] {
  return [
    check("biome (format and lint)", bin("biome"), ["check", "."]),
    check("Env current with wrangler.toml (wrangler types)", process.execPath, [
      "scripts/types.ts",
      "--check",
    ]),
    check("client current with the OpenAPI document (openapi-typescript)", process.execPath, [
      "scripts/client.ts",
      "--check",
    ]),
    check("types (Worker and shared)", bin("tsc"), ["-p", "."]),
    check("types (scripts)", bin("tsc"), ["-p", "tsconfig.node.json"]),
    check("types (site .astro files, astro check)", bin("astro"), ["check", "--root", "site"]),
  ];
}
