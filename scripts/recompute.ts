// `npm run recompute [-- --api URL] [--token T]`: rebuild every derived figure from the ledger, in
// chunks, with progress. Operators use it after changing the engine; it must give the numbers the
// incremental path gives. The API is --api, else AUMFLOW_API, else the running `npm start` of this
// directory; the token --token, else AUMFLOW_TOKEN, else ADMIN_TOKEN in .dev.vars. Any failure is
// one line on stderr and exit code 1 (2 for a usage error).
import { SETTLE_FUNDS_PER_CALL } from "./import/run.ts";
import { messageOf, parseCommandLine, resolveApi, tokenOf, UsageError } from "./lib/cli.ts";

const USAGE = "Usage: npm run recompute [-- --api URL] [--token T]";
const OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class Failure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

async function main(argv: string[]): Promise<number> {
  let values: { api?: string | undefined; token?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseCommandLine(argv, { options: OPTIONS }));
  } catch (error) {
    process.stderr.write(`recompute: ${messageOf(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const token = tokenOf(values.token, process.env, process.cwd());
  const api = resolveApi(values.api);
  const headers = { authorization: `Bearer ${token}` };

  async function post<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${api}${path}`, {
        method: "POST",
        headers,
        signal: AbortSignal.timeout(300_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Failure(
        `cannot reach the API at ${api} (${cause}); is it running? (npm start, or pass --api URL)`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 300);
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
      } catch {
        // not a problem document: the text as it is
      }
      throw new Failure(`${path} answered HTTP ${response.status}: ${detail}`);
    }
    return JSON.parse(text) as T;
  }

  const started = Date.now();
  const { funds } = await post<{ funds: number }>("/v1/admin/recompute");
  process.stderr.write(`recompute: ${funds} funds queued at ${api}\n`);
  for (;;) {
    const { remaining } = await post<{ remaining: number | null }>(
      `/v1/admin/settle?max_funds=${SETTLE_FUNDS_PER_CALL}`,
    );
    if (remaining === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    const done = funds - remaining;
    const width = 30;
    const filled = funds === 0 ? width : Math.round((done / funds) * width);
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${funds} funds  ${((Date.now() - started) / 1000).toFixed(1)}s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    if (remaining === 0) break;
  }
  process.stderr.write(`\nrecompute: done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // One sentence, never a stack trace: every expected failure is a Failure, a UsageError (no token) or
  // a NoProductError.
  process.stderr.write(`recompute failed: ${messageOf(error)}\n`);
  process.exitCode = error instanceof Failure ? error.exitCode : error instanceof UsageError ? 2 : 1;
}
