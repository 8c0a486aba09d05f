// Loads the real demo data (data/demo) into the Worker under test exactly as `npm start` does: the
// importer's parsers and request plan, sent through the API with the admin token.
import btcPrices from "../../../data/demo/btc-usd-daily-close.csv?raw";
import ethPrices from "../../../data/demo/eth-usd-daily-close.csv?raw";
import events from "../../../data/demo/events.csv?raw";
import farside from "../../../data/demo/farside-btc-etf-flows.csv?raw";
import funds from "../../../data/demo/funds.csv?raw";
import holdings from "../../../data/demo/holdings.csv?raw";
import { readImportFile } from "../../../shared/import/long.ts";
import { planImport } from "../../../shared/import/plan.ts";
import { call } from "./api.ts";

export const DEMO_TEXTS: Record<string, string> = {
  "funds.csv": funds,
  "btc-usd-daily-close.csv": btcPrices,
  "eth-usd-daily-close.csv": ethPrices,
  "holdings.csv": holdings,
  "events.csv": events,
  "farside-btc-etf-flows.csv": farside,
};

export async function loadDemo(texts: Record<string, string> = DEMO_TEXTS): Promise<void> {
  const files = Object.entries(texts).map(([file, text]) => ({ file, data: readImportFile(text, file) }));
  for (const step of planImport(files, 5000)) {
    const response = await call(step.path, { method: step.method, body: step.body });
    if (response.status !== 200)
      throw new Error(`${step.method} ${step.path}: ${response.status} ${await response.text()}`);
  }
}
