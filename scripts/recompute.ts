// `npm run recompute`: rebuild every derived figure from the ledger, in chunks, with progress.
// Operators use it after changing the engine; it must give the numbers the incremental path gives.
import { readDevVarsToken } from "./import/args.ts";
import { SETTLE_FUNDS_PER_CALL } from "./import/run.ts";

const api = (process.env.AUMFLOW_API || "http://localhost:8787").replace(/\/+$/, "");
const token = process.env.AUMFLOW_TOKEN || readDevVarsToken(process.cwd());
if (!token) {
  process.stderr.write("No token: set AUMFLOW_TOKEN or run from the directory holding .dev.vars\n");
  process.exit(2);
}
const headers = { authorization: `Bearer ${token}` };

async function post<T>(path: string): Promise<T> {
  const response = await fetch(`${api}${path}`, { method: "POST", headers });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const started = Date.now();
const { funds } = await post<{ funds: number }>("/v1/admin/recompute");
process.stderr.write(`recompute: ${funds} funds queued\n`);
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
