// The real demo data shipped in data/demo (provenance in its README), in the order the API needs it.
import { join } from "node:path";

export const DEMO_DIR = "data/demo";

export const DEMO_FILES = [
  "funds.csv",
  "btc-usd-daily-close.csv",
  "eth-usd-daily-close.csv",
  "holdings.csv",
  "events.csv",
  "farside-btc-etf-flows.csv",
].map((file) => join(DEMO_DIR, file));
