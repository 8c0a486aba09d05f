// Loads the market record (data/market) into the Worker under test as `npm start` does: the importer's
// own read (Farside's tables replayed from the revision log from the first capture on), its request
// plan, CoinGecko ranked above Yahoo, the recompute deferred and settled at the end.
import btcCoingecko from "../../../data/market/btc-usd-daily-close-coingecko.csv?raw";
import btcYahoo from "../../../data/market/btc-usd-daily-close-yahoo.csv?raw";
import ethCoingecko from "../../../data/market/eth-usd-daily-close-coingecko.csv?raw";
import ethYahoo from "../../../data/market/eth-usd-daily-close-yahoo.csv?raw";
import events from "../../../data/market/events.csv?raw";
import btcFlows from "../../../data/market/farside-btc-etf-flows.csv?raw";
import ethFlows from "../../../data/market/farside-eth-etf-flows.csv?raw";
import revisionLog from "../../../data/market/farside-revision-log.csv?raw";
import solFlows from "../../../data/market/farside-sol-etf-flows.csv?raw";
import funds from "../../../data/market/funds.csv?raw";
import holdings from "../../../data/market/holdings.csv?raw";
import solCoingecko from "../../../data/market/sol-usd-daily-close-coingecko.csv?raw";
import solYahoo from "../../../data/market/sol-usd-daily-close-yahoo.csv?raw";
import { FIRST_CAPTURE, PRICE_SOURCE_RANKING } from "../../../scripts/lib/market-facts.ts";
import { planImport } from "../../../shared/import/plan.ts";
import { type ReadImport, readImport } from "../../../shared/import/read.ts";
import { call, settleAll } from "./api.ts";

export const MARKET_TEXTS = [
  ["funds.csv", funds],
  ["btc-usd-daily-close-yahoo.csv", btcYahoo],
  ["btc-usd-daily-close-coingecko.csv", btcCoingecko],
  ["eth-usd-daily-close-yahoo.csv", ethYahoo],
  ["eth-usd-daily-close-coingecko.csv", ethCoingecko],
  ["sol-usd-daily-close-yahoo.csv", solYahoo],
  ["sol-usd-daily-close-coingecko.csv", solCoingecko],
  ["holdings.csv", holdings],
  ["events.csv", events],
  ["farside-btc-etf-flows.csv", btcFlows],
  ["farside-eth-etf-flows.csv", ethFlows],
  ["farside-sol-etf-flows.csv", solFlows],
].map(([file, text]) => ({ file: file as string, text: text as string }));

export const REVISION_LOG_TEXT = revisionLog;

/** Reads the market record as the importer does; `replay: false` imports the last capture as it is. */
export async function readMarket(replay = true): Promise<ReadImport> {
  return readImport({
    files: MARKET_TEXTS,
    ...(replay && {
      replay: { file: "farside-revision-log.csv", text: revisionLog },
      firstCapture: FIRST_CAPTURE,
    }),
    batchSize: 5000,
    lookUp: async () => [],
    note: () => undefined,
  });
}

export async function loadMarket(): Promise<ReadImport> {
  for (const asset of ["BTC", "ETH", "SOL"]) {
    const ranked = await call(`/v1/sources/${asset}`, {
      method: "PUT",
      body: { sources: PRICE_SOURCE_RANKING },
    });
    if (ranked.status !== 200) throw new Error(`ranking ${asset}: ${ranked.status}`);
  }
  const read = await readMarket();
  for (const step of planImport(read.files, 5000, "?recompute=defer", { fundsInBatches: true })) {
    const response = await call(step.path, { method: step.method, body: step.body });
    if (response.status !== 200)
      throw new Error(`${step.method} ${step.path}: ${response.status} ${await response.text()}`);
  }
  await settleAll(200);
  return read;
}
