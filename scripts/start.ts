// `npm start`: the whole product on the embedded defaults. Applies the migrations to the local D1,
// makes sure .dev.vars holds an ADMIN_TOKEN, starts the API (`wrangler dev`, supervised) and the site
// on one port, loads the market data (data/market) through the importer, Farside's tables replayed
// from their revision log (idempotent: a second start loads nothing twice), builds the site and
// rebuilds it within seconds whenever data_version moves, without ever restarting the API under a
// request (scripts/lib/product.ts).
//
//   npm start                  port 8787, or PORT
//   npm start -- --verbose     every line of every site build
// AUMFLOW_DATA=demo|none loads the 2024 demo sample or nothing instead of the market record, and
// AUMFLOW_LOCAL_DIR moves the local state from .wrangler (both for the tests).
//
// While it runs, .wrangler/aumflow-local.json names its URL, so `npm run import` and the other tools
// find it on whatever port it took. Ctrl-C stops everything; if this process is killed outright,
// what it started stops by itself (scripts/lib/guard.ts), and the next start just works.
import { createServer } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatTotals, type ImportReport, runImport } from "./import.ts";
import { DEMO_DIR, DEMO_FILES } from "./lib/demo.ts";
import { ensureAdminToken } from "./lib/dev-vars.ts";
import { applyLocalMigrations } from "./lib/local-server.ts";
import { loadMarket, MARKET_DIR } from "./lib/market.ts";
import { type Product, startProduct } from "./lib/product.ts";
import {
  findRunningProduct,
  localDir,
  removeRunningProduct,
  runningFile,
  writeRunningProduct,
} from "./lib/running.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function fail(line: string): never {
  process.stderr.write(`aumflow: ${line}\n`);
  process.exit(1);
}

let verbose = false;
try {
  verbose = parseArgs({ options: { verbose: { type: "boolean", default: false } } }).values.verbose ?? false;
} catch (error) {
  fail(`${(error as Error).message}; usage: npm start [-- --verbose]`);
}
const port = Number(process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT=${process.env.PORT} is not a port number`);
const data = process.env.AUMFLOW_DATA || "market";
if (!["market", "demo", "none"].includes(data))
  fail(`AUMFLOW_DATA must be market, demo or none, not ${data}`);
const local = localDir();
// wrangler's own default when AUMFLOW_LOCAL_DIR is not set.
const persistTo = process.env.AUMFLOW_LOCAL_DIR ? path.join(local, "state") : undefined;
const file = runningFile();

const other = findRunningProduct(file);
if (other && other.pid !== process.pid) {
  fail(`aumflow already runs here (pid ${other.pid}, ${other.url}); stop it first (Ctrl-C in its terminal)`);
}

// Said before the migrations take their seconds; startProduct's own listen is the one that counts.
if (port !== 0 && !(await portIsFree(port))) {
  fail(
    `port ${port} is taken (another aumflow, or another program, listens there): stop it, or choose another port (PORT=8801 npm start)`,
  );
}

say(`aumflow: applying migrations to the local D1 (${persistTo ?? ".wrangler/state"})`);
await applyLocalMigrations(persistTo);
const { token, created } = ensureAdminToken(".dev.vars");
say(`aumflow: ${created ? "created" : "using"} ADMIN_TOKEN in .dev.vars`);
say(`aumflow: starting the API and the site on port ${port}`);

let product: Product;
try {
  product = await startProduct({
    port,
    workDir: path.join(local, "aumflow"),
    say,
    verbose,
    ...(persistTo && { persistTo }),
  });
} catch (error) {
  const message = (error as Error).message;
  fail(
    message.startsWith("port ")
      ? `${message}: stop it, or choose another port (PORT=8801 npm start)`
      : `the server did not start: ${message}`,
  );
}
writeRunningProduct(file, {
  url: product.url,
  pid: process.pid,
  port: product.front.port,
  started_at: new Date().toISOString(),
});

let stopping = false;
async function shutdown(code: number, why?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (why) say(`aumflow: ${why}; stopping`);
  try {
    await product.stop();
    say(code === 0 ? "aumflow: stopped" : "aumflow: stopped after a failure");
  } finally {
    removeRunningProduct(file);
    process.exit(code);
  }
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGHUP", () => void shutdown(0, "the terminal closed"));
// Orphaned (the npm that ran this was killed): nobody is left to press Ctrl-C.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0, "the process that started npm start is gone");
}, 1000).unref();
void product.supervisor.ended.then((code) => {
  if (code !== 0) void shutdown(code);
});

const started = performance.now();
let report: ImportReport | null = null;
try {
  if (data === "market") {
    say(
      `aumflow: loading the market data (${MARKET_DIR}) through the importer, Farside's revisions replayed`,
    );
    report = await loadMarket({ api: product.url, token });
  } else if (data === "demo") {
    say(`aumflow: loading the demo sample (${DEMO_DIR}) through the importer`);
    report = await runImport({ files: DEMO_FILES, api: product.url, token });
  }
  if (report) {
    say(formatTotals(report));
    say(`aumflow: data loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (error) {
  if (stopping) await new Promise(() => undefined);
  say(
    `aumflow: loading the data failed: ${(error as Error).message}\n` +
      "  the product runs with what was stored; npm start again loads the rest (nothing twice)",
  );
}

try {
  await product.site.rebuild();
} catch (error) {
  if (stopping) await new Promise(() => undefined);
  say(`aumflow: site build failed: ${(error as Error).message}; it is tried again when the data changes`);
}

say("");
say(`  API and site:   ${product.url}/`);
say(`  API reference:  ${product.url}/v1/docs`);
say(`  Admin token:    in .dev.vars (ADMIN_TOKEN=${token.slice(0, 12)}…)`);
say("  The site rebuilds itself when the data changes. Ctrl-C stops.");
product.site.watch(2000);
