// Facts about the market record (data/market) that the loader needs beside the files themselves,
// each with the reason; no I/O, so the Worker tests load the record the same way.

/**
 * The first capture of the log's window: commit 17cc494 of haturatu/crypto-etf-flow, taken
 * 2025-11-16T02:09:04Z (named in farside-sol-etf-flows-provenance.csv). The log's earliest change is
 * a day later, when the 17 Nov row appeared; the tables as first captured were public from here.
 */
export const FIRST_CAPTURE = "2025-11-16T02:09:04Z";

/**
 * CoinGecko ranks above Yahoo for every asset's closes. They overlap on one day only, 24 Jun 2026, and
 * there Yahoo's row was taken before the day ended (0.3–0.7% below CoinGecko and Coinbase at midnight,
 * see data/market/README.md): the close is CoinGecko's, Yahoo's stays beside it as the cross-check.
 */
export const PRICE_SOURCE_RANKING = ["coingecko", "yahoo"];
