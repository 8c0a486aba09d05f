// What the command-line tools that talk to the API (import, recompute, backup, restore) share: argv
// read with usage errors, the API and the admin token found the same way, and one way to end: a
// failure is one line `<tool> failed: …` on stderr and exit 1, a usage error exit 2 with the usage.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { findRunningProduct, runningFile } from "./running.ts";

export class UsageError extends Error {}

/** Where backup and restore go when nothing says where and nothing runs here. */
export const DEFAULT_API = "http://localhost:8787";

/** parseArgs over `argv`, its refusals (an unknown option, a missing value) thrown as UsageError. */
export function parseCommandLine<const T extends Omit<ParseArgsConfig, "args">>(
  argv: readonly string[],
  config: T,
) {
  try {
    return parseArgs({ ...config, args: [...argv] });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export class NoProductError extends Error {
  constructor() {
    super("no aumflow is running here: start one with `npm start`, or pass --api URL (or set AUMFLOW_API)");
    this.name = "NoProductError";
  }
}

/** --api, else AUMFLOW_API (empty counts as unset), else the running `npm start` of `cwd`, else null. */
function givenOrRunningApi(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const given = flag || env.AUMFLOW_API;
  if (given) return given.replace(/\/+$/, "");
  try {
    return findRunningProduct(runningFile(cwd, env))?.url ?? null;
  } catch {
    return null;
  }
}

/** The API a tool talks to: --api, AUMFLOW_API or the running `npm start`; NoProductError when none. */
export function resolveApi(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  const api = givenOrRunningApi(flag, env, cwd);
  if (api) return api;
  throw new NoProductError();
}

/** As resolveApi, but localhost:8787 when nothing runs here (backup and restore of a bare `wrangler dev`). */
export function apiOrDefault(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  return givenOrRunningApi(flag, env, cwd) ?? DEFAULT_API;
}

/** The admin token: --token, else AUMFLOW_TOKEN (empty counts as unset), else ADMIN_TOKEN= in ./.dev.vars. */
export function tokenOf(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const token = flag || env.AUMFLOW_TOKEN || readDevVarsToken(cwd);
  if (!token)
    throw new UsageError(
      "no token: pass --token, set AUMFLOW_TOKEN, or run where .dev.vars has ADMIN_TOKEN=",
    );
  return token;
}

/** The local admin token that `npm start` writes to .dev.vars (dotenv syntax, optionally quoted). */
export function readDevVarsToken(cwd: string): string | undefined {
  const file = path.join(cwd, ".dev.vars");
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?ADMIN_TOKEN\s*=\s*(.*?)\s*$/.exec(line);
    if (match) return match[1]?.replace(/^(["'])(.*)\1$/, "$2") || undefined;
  }
  return undefined;
}

/**
 * A tool's `main`: the command `parse` reads from argv is `run`, or its --help printed. A failure is
 * written `<tool> failed: <describe(error)>` and exits 1; a UsageError is followed by the usage, exit 2.
 */
export async function runTool<Command>(
  tool: string,
  usage: string,
  parse: () => { help: true } | ({ help: false } & Command),
  run: (command: Command) => Promise<void>,
  describe: (error: unknown) => string = messageOf,
): Promise<number> {
  try {
    const command = parse();
    if (command.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    await run(command);
    return 0;
  } catch (error) {
    process.stderr.write(`${tool} failed: ${describe(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${usage}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** True when the module at `moduleUrl` is the script node was started with, not an import of it. */
export const isMain = (moduleUrl: string) =>
  process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
