// GET /llms.txt: what aumflow is and how to read it, for language models (the llms.txt convention:
// markdown, a title, a one-paragraph summary, then sections of links). The coverage is read from D1
// at request time and every address is built from the request's own origin.
import { addDays } from "../../shared/dates.ts";
import { parseDecimal, USD_SCALE } from "../../shared/decimal.ts";
import { loadAssets } from "../db/reference.ts";
import { readFunds, readSummary } from "./reads.ts";
import { TOOLS } from "./tools.ts";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export async function renderLlmsTxt(env: Env, origin: string): Promise<string> {
  const [summary, funds, assets] = await Promise.all([
    readSummary(env),
    readFunds(env.DB),
    loadAssets(env.DB),
  ]);
  const perAsset = [...assets.values()]
    .map((asset) => ({ asset, count: funds.filter((fund) => fund.asset === asset.symbol).length }))
    .filter(({ count }) => count > 0)
    .map(({ asset, count }) => `${count} holding ${asset.name} (${asset.symbol})`)
    .join(", ");
  const firstListing = funds.map((fund) => fund.listed_on).sort()[0];
  const report = summary.report_date;
  // The example fund: the largest by its latest AUM.
  const sample =
    funds
      .filter((fund) => fund.latest)
      .sort((a, b) => {
        const difference = cents(b.latest?.aum_usd) - cents(a.latest?.aum_usd);
        return difference > 0n ? 1 : difference < 0n ? -1 : 0;
      })[0]?.ticker ?? "IBIT";
  const sampleAsset = funds.find((fund) => fund.ticker === sample)?.asset ?? "BTC";
  const range = report ? `from=${addDays(report, -4)}&to=${report}` : "";
  const and = (query: string) => [query, range].filter(Boolean).join("&");
  const url = (path: string, query = "") => `${origin}${path}${query ? `?${query}` : ""}`;
  const link = (title: string, path: string, query: string, note: string) =>
    `- [${title}](${url(path, query)}): ${note}`;
  const awaiting = summary.report_date_awaiting.length
    ? `, awaiting ${summary.report_date_awaiting.join(", ")}`
    : "";
  const coverage = [
    `- ${plural(funds.length, "fund")}${perAsset ? `: ${perAsset}` : ""}${firstListing ? `; the first listed on ${firstListing}` : ""}.`,
    report
      ? `- Report date ${report}, the newest day with any figure: ${summary.report_date_completeness ?? "no trading"}${awaiting}.`
      : "- No flow has been reported yet.",
    summary.headline_date
      ? `- Headline date ${summary.headline_date}, the last complete day: total AUM US$ ${summary.total_aum_usd}, net flow US$ ${summary.net_flow_usd ?? "none"}.`
      : "- No day is complete yet.",
  ];
  return `# aumflow

> aumflow tracks the assets under management (AUM) of crypto investment funds (spot bitcoin, ether and solana ETFs, ETPs and trusts) day by day: net flows, prices, coins held, AUM, and the exact split of every day's AUM change into what investors put in or took out and what the price did. Money is exact (US$ to the cent, no floating point) and every correction is kept as a revision, so any figure can be read as it was known at a past moment.

Coverage at ${origin} now (data_version ${summary.data_version}):

${coverage.join("\n")}

## Key numbers

- AUM (aum_usd): the coins a fund holds at the day's end times the asset's UTC daily close.
- Net flow (net_flow_usd): a fund's creations minus redemptions on a trading day, as its sources report it; null when no figure is on record (never counted as zero).
- Effects: every day's change in AUM splits exactly, to the cent, into the flow effect (the net flow), market effect (the previous day's coins times the price change), income effect (staking rewards kept, >= 0), distribution effect (value paid out to shareholders, <= 0), fee effect (coins given up in sponsor fees, <= 0) and other effect (coins moved by corporate actions, reconciliation to reported holdings, coins held on a fund's first day, rounding remainders).
- Day states: final; provisional (only a provisional figure, often a publisher's placeholder zero filled in later); missing (a trading day with no figure yet); holiday (the exchange was closed); not_listed.
- Completeness of a day: complete when every listed fund has a final or provisional figure; partial while some are awaited (named in awaiting; sums are then what was reported so far, not the day's total); none before any figure. Headline figures are those of the last complete day.
- Formats: US$ amounts are decimal strings to the cent ("-54900000.00"); coins are decimal strings at the asset's precision; prices have 8 decimals, shares and rates 6; dates are YYYY-MM-DD, timestamps ISO 8601.

## API

Public reads, JSON (add format=csv for CSV), each answer tagged with an ETag of the data version.

${[
  link("Summary", "/v1/summary", "", "the headline figures, the report date and its completeness"),
  link(
    "Funds",
    "/v1/funds",
    "",
    "every fund's metadata and latest AUM, coins held, cumulative flow and share",
  ),
  link(
    "A fund's days",
    `/v1/funds/${sample}/daily`,
    range,
    "one row per calendar day (state, price, coins, AUM, flow, the split of the change); as_of=<timestamp> for figures as known then",
  ),
  link(
    "Aggregates",
    "/v1/aggregate",
    and("by=asset&period=day"),
    "by total, asset, issuer, country or vehicle, per day, week, month or ytd, with indicators and completeness; a calendar year a page, next (and a Link header) for the following one",
  ),
  link(
    "Flows",
    "/v1/flows",
    and(`fund=${sample}`),
    "the flows ledger: every source's figure, the one used and the differences",
  ),
  link("Prices", "/v1/prices", and(`asset=${sampleAsset}`), "daily closes by source, the one used first"),
  link(
    "Revisions",
    "/v1/revisions",
    "restated=true",
    "what changed, with old and new values; since=<timestamp or id> pages on",
  ),
  link(
    "Export",
    "/v1/export",
    "",
    "everything the report site is built from, a year of aggregates a page (next: ?year=YYYY)",
  ),
  link("OpenAPI", "/v1/openapi.json", "", `the contract, rendered at ${url("/v1/docs")}`),
].join("\n")}

## MCP

- [${url("/mcp")}](${url("/mcp")}): a Model Context Protocol server (Streamable HTTP: JSON-RPC 2.0 over POST, JSON answers, no session). Read-only tools: ${TOOLS.map((tool) => tool.name).join(", ")}.

## Open data

- [Open data files](${url("/data/")}): every table the site is built from as CSV and JSON, with the API's exact values: funds, assets, changes, aggregates/<period>-<by> (period day, week, month or ytd; by total, asset, issuer, country or vehicle), revisions, and funds/<TICKER> (one row per day), such as ${url(`/data/funds/${sample}.csv`)}; checksums in ${url("/data/SHA256SUMS.txt")}.

## Methodology

- [Methodology](${url("/methodology/")}): how every number is computed, in words.
`;
}

function cents(usd: string | undefined): bigint {
  const value = parseDecimal(usd ?? "0", USD_SCALE);
  return typeof value === "bigint" ? value : 0n;
}
