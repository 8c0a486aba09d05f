// Funds and assets: the reference data every write is validated against.
import type { Asset, Fund } from "../../shared/domain.ts";

export async function loadAssets(db: D1Database): Promise<Map<string, Asset>> {
  const { results } = await db.prepare("SELECT symbol, name, decimals FROM assets").all<Asset>();
  return new Map(results.map((asset) => [asset.symbol, asset]));
}

/** delisted_on follows from the latest delisting event, so the fund row itself is never rewritten by one. */
const FUND_COLUMNS = `ticker, name, issuer, asset, vehicle, country, exchange, listed_on,
  (SELECT MAX(date) FROM corporate_actions c WHERE c.type = 'delisting' AND c.from_fund = funds.ticker) AS delisted_on,
  fee_bps`;

export async function loadFunds(db: D1Database, tickers?: readonly string[]): Promise<Map<string, Fund>> {
  const statement = tickers
    ? db
        .prepare(`SELECT ${FUND_COLUMNS} FROM funds WHERE ticker IN (SELECT value FROM json_each(?))`)
        .bind(JSON.stringify([...new Set(tickers)]))
    : db.prepare(`SELECT ${FUND_COLUMNS} FROM funds ORDER BY ticker`);
  const { results } = await statement.all<Fund>();
  return new Map(results.map((fund) => [fund.ticker, fund]));
}

export async function loadFund(db: D1Database, ticker: string): Promise<Fund | null> {
  return db.prepare(`SELECT ${FUND_COLUMNS} FROM funds WHERE ticker = ?`).bind(ticker).first<Fund>();
}
