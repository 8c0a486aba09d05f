// Funds and assets: the reference data every write is validated against.
import type { Asset, Fund } from "../../shared/domain.ts";

const ASSETS = "SELECT symbol, name, decimals FROM assets";

export async function loadAssets(db: D1Database): Promise<Map<string, Asset>> {
  const { results } = await db.prepare(ASSETS).all<Asset>();
  return new Map(results.map((asset) => [asset.symbol, asset]));
}

/** delisted_on follows from the latest delisting event, so the fund row itself is never rewritten by one. */
const FUND_COLUMNS = `ticker, name, issuer, asset, vehicle, country, exchange, listed_on,
  (SELECT MAX(date) FROM corporate_actions c WHERE c.type = 'delisting' AND c.from_fund = funds.ticker) AS delisted_on,
  fee_bps, staking_policy`;

/**
 * Funds by ticker, and by each former ticker (a ticker_change keeps one fund under its new name): a
 * row written under an alias is stored under the fund's ticker.
 */
export async function loadFunds(db: D1Database, tickers?: readonly string[]): Promise<Map<string, Fund>> {
  const [funds, aliases] = await db.batch<Record<string, unknown>>(fundStatements(db, tickers));
  return fundsByTicker(funds, aliases);
}

/**
 * What a batch write is checked against, in one round trip: the funds it names (as loadFunds gives
 * them) and every asset.
 */
export async function loadReference(
  db: D1Database,
  tickers: readonly string[],
): Promise<{ funds: Map<string, Fund>; assets: Map<string, Asset> }> {
  const [funds, aliases, assets] = await db.batch<Record<string, unknown>>([
    ...fundStatements(db, tickers),
    db.prepare(ASSETS),
  ]);
  const rows = (assets?.results ?? []) as unknown as Asset[];
  return {
    funds: fundsByTicker(funds, aliases),
    assets: new Map(rows.map((asset) => [asset.symbol, asset])),
  };
}

/** The funds named (every fund without `tickers`), and every former ticker. */
function fundStatements(db: D1Database, tickers?: readonly string[]): D1PreparedStatement[] {
  return [
    tickers
      ? db
          .prepare(
            `SELECT ${FUND_COLUMNS} FROM funds WHERE ticker IN (SELECT value FROM json_each(?1))
               OR ticker IN (SELECT a.ticker FROM ticker_aliases a WHERE a.alias IN (SELECT value FROM json_each(?1)))`,
          )
          .bind(JSON.stringify([...new Set(tickers)]))
      : db.prepare(`SELECT ${FUND_COLUMNS} FROM funds ORDER BY ticker`),
    db.prepare("SELECT alias, ticker FROM ticker_aliases"),
  ];
}

function fundsByTicker(funds: D1Result | undefined, aliases: D1Result | undefined): Map<string, Fund> {
  const byTicker = new Map(((funds?.results ?? []) as unknown as Fund[]).map((fund) => [fund.ticker, fund]));
  for (const { alias, ticker } of (aliases?.results ?? []) as { alias: string; ticker: string }[]) {
    const fund = byTicker.get(ticker);
    if (fund && !byTicker.has(alias)) byTicker.set(alias, fund);
  }
  return byTicker;
}

/** The fund a ticker or a former ticker names. */
export async function loadFund(db: D1Database, ticker: string): Promise<Fund | null> {
  return db
    .prepare(
      `SELECT ${FUND_COLUMNS} FROM funds
       WHERE ticker = COALESCE((SELECT a.ticker FROM ticker_aliases a WHERE a.alias = ?1), ?1)`,
    )
    .bind(ticker)
    .first<Fund>();
}

/** A former ticker's fund ticker, or the ticker itself. */
export async function canonicalTicker(db: D1Database, ticker: string): Promise<string> {
  const alias = await db
    .prepare("SELECT ticker FROM ticker_aliases WHERE alias = ?")
    .bind(ticker)
    .first<string>("ticker");
  return alias ?? ticker;
}
