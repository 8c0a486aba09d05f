// `npm start`: the whole product on the embedded defaults. Applies the migrations to the local D1,
// makes sure .dev.vars holds an ADMIN_TOKEN, starts the API and the site on one `wrangler dev`, loads
// the market data (data/market) through the importer, Farside's tables replayed from their revision
// log (idempotent: a second start loads nothing twice), builds the site and rebuilds it within seconds
// whenever data_version moves.

import { buildSite } from "./build-site.ts";
import { formatTotals } from "./import.ts";
import { ensureAdminToken } from "./lib/dev-vars.ts";
import { applyLocalMigrations, startLocalServer } from "./lib/local-server.ts";
import { loadMarket, MARKET_DIR } from "./lib/market.ts";

const port = Number(process.env.PORT ?? 8787);
const say = (line: string) => process.stdout.write(`${line}\n`);

say("aumflow: applying migrations to the local D1 (.wrangler/state)");
await applyLocalMigrations();
const { token, created } = ensureAdminToken(".dev.vars");
say(`aumflow: ${created ? "created" : "using"} ADMIN_TOKEN in .dev.vars`);
say(`aumflow: starting the API and the site on port ${port}`);
const server = await startLocalServer({ port });
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const started = performance.now();
say(`aumflow: loading the market data (${MARKET_DIR}) through the importer, Farside's revisions replayed`);
const report = await loadMarket({ api: server.url, token });
say(formatTotals(report));
say(`aumflow: market data loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

let builtVersion = -1;
async function currentVersion(): Promise<number> {
  const health = (await (await fetch(`${server.url}/v1/health`)).json()) as { data_version: number };
  return health.data_version;
}
async function rebuildIfChanged(): Promise<void> {
  const version = await currentVersion();
  if (version === builtVersion) return;
  say(`aumflow: building the site for data_version ${version}`);
  await buildSite({ api: server.url });
  builtVersion = version;
}
await rebuildIfChanged();

say("");
say(`  API and site:   ${server.url}/`);
say(`  API reference:  ${server.url}/v1/docs`);
say(`  Admin token:    in .dev.vars (ADMIN_TOKEN=${token.slice(0, 12)}…)`);
say("  The site rebuilds itself when the data changes. Ctrl-C stops.");

let building = false;
setInterval(async () => {
  if (building) return;
  building = true;
  try {
    await rebuildIfChanged();
  } catch (error) {
    say(`aumflow: site rebuild failed: ${(error as Error).message}`);
  } finally {
    building = false;
  }
}, 2000);
