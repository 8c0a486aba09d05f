// The listing dates the API knows, for Farside columns the import's own funds files do not name.

import type { ListedFund } from "../../shared/import/reference.ts";
import { ApiProblem, type RetryOptions, sendWithRetry } from "./http.ts";

/**
 * Every fund of GET /v1/funds, then each ticker still missing asked for by name: the API answers for a
 * former ticker too once its ticker_change is stored, which the list (current tickers) does not show.
 */
export async function lookUpListings(
  api: string,
  token: string,
  retry: RetryOptions,
  tickers: readonly string[],
): Promise<ListedFund[]> {
  const get = (path: string) => sendWithRetry({ method: "GET", url: `${api}${path}`, token }, retry);
  const { body } = await get("/v1/funds");
  const listed = listedFunds((body as { funds?: unknown }).funds, "GET /v1/funds");
  const known = new Set(listed.map((fund) => fund.ticker));
  for (const ticker of tickers.filter((name) => !known.has(name))) {
    try {
      const [fund] = listedFunds([(await get(`/v1/funds/${encodeURIComponent(ticker)}`)).body], ticker);
      if (fund) listed.push({ ticker, listed_on: fund.listed_on });
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 404)) throw error;
    }
  }
  return listed;
}

function listedFunds(funds: unknown, what: string): ListedFund[] {
  if (!Array.isArray(funds)) throw new Error(`${what}: the API's answer holds no list of funds`);
  return funds.map((fund: { ticker?: unknown; listed_on?: unknown }) => {
    if (typeof fund?.ticker !== "string" || typeof fund.listed_on !== "string") {
      throw new Error(`${what}: a fund without ticker or listed_on in the API's answer`);
    }
    return { ticker: fund.ticker, listed_on: fund.listed_on };
  });
}
