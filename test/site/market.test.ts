// The site built from saved API answers shaped like the market as it is: three assets, funds whose
// name, issuer, vehicle, venue or fee nobody has published, a last day still filling in, and a
// restatement replayed from the publisher's log. No API or browser needed: the pages' HTML is read.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSite } from "../../scripts/build-site.ts";
import { flowValue } from "../helpers/reads.ts";

// The fixture's own shapes: written as JSON, they are what the API serves, and stay independent of
// the shared types while those grow.
interface Fund {
  ticker: string;
  name: string | null;
  issuer: string | null;
  asset: string;
  vehicle: string | null;
  country: string;
  exchange: string | null;
  listed_on: string;
  delisted_on: null;
  fee_bps: number | null;
  staking_policy: string | null;
  former_tickers?: { ticker: string; changed_on: string }[];
  fee_history?: { date: string; fee_bps: number; waiver: null }[];
}
type FundDayRow = Record<string, string | boolean | null> & { date: string; state: string };
type By = "total" | "asset" | "issuer" | "country" | "vehicle";

const DATES = Array.from({ length: 12 }, (_, i) =>
  new Date(Date.UTC(2026, 7, 10 + i)).toISOString().slice(0, 10),
);
const WEEKEND = new Set(["2026-08-15", "2026-08-16"]);
const REPORT = "2026-08-21";
const PRICE: Record<string, number> = { BTC: 70_000, ETH: 3_000, SOL: 100 };

const FUNDS: Fund[] = [
  {
    ticker: "IBIT",
    name: "iShares Bitcoin Trust ETF",
    issuer: "BlackRock",
    asset: "BTC",
    vehicle: "spot_etf",
    country: "US",
    exchange: "XNAS",
    listed_on: "2024-01-11",
    delisted_on: null,
    fee_bps: 25,
    staking_policy: "none",
  },
  // As in the record: MSBT has no published name or issuer, ETHB no name, vehicle or venue, BSOL no fee.
  {
    ticker: "MSBT",
    name: null,
    issuer: null,
    asset: "BTC",
    vehicle: "spot_etf",
    country: "US",
    exchange: null,
    listed_on: "2026-04-08",
    delisted_on: null,
    fee_bps: 14,
    staking_policy: "none",
  },
  {
    ticker: "ETHB",
    name: null,
    issuer: "BlackRock",
    asset: "ETH",
    vehicle: null,
    country: "US",
    exchange: null,
    listed_on: "2026-03-11",
    delisted_on: null,
    fee_bps: 25,
    staking_policy: null,
  },
  {
    ticker: "BSOL",
    name: "Bitwise Solana Staking ETF",
    issuer: "Bitwise",
    asset: "SOL",
    vehicle: "spot_etf",
    country: "US",
    exchange: null,
    listed_on: "2025-10-28",
    delisted_on: null,
    fee_bps: null,
    staking_policy: "retained",
  },
  // As in the record: ETHE pays a distribution, TETH traded as CETH until 28 Aug 2025, and GSOL's fee
  // was set by a fee change the day the trust uplisted.
  {
    ticker: "ETHE",
    name: "Grayscale Ethereum Trust ETF",
    issuer: "Grayscale",
    asset: "ETH",
    vehicle: "spot_etf",
    country: "US",
    exchange: "ARCX",
    listed_on: "2024-01-11",
    delisted_on: null,
    fee_bps: 250,
    staking_policy: null,
  },
  {
    ticker: "TETH",
    name: "21Shares Ethereum ETF",
    issuer: "21Shares",
    asset: "ETH",
    vehicle: "spot_etf",
    country: "US",
    exchange: "BATS",
    listed_on: "2024-07-23",
    delisted_on: null,
    fee_bps: 21,
    staking_policy: null,
    former_tickers: [{ ticker: "CETH", changed_on: "2025-08-28" }],
  },
  {
    ticker: "GSOL",
    name: "Grayscale Solana Staking ETF",
    issuer: "Grayscale",
    asset: "SOL",
    vehicle: "spot_etf",
    country: "US",
    exchange: "ARCX",
    listed_on: "2025-10-29",
    delisted_on: null,
    fee_bps: 35,
    staking_policy: null,
    fee_history: [{ date: "2025-10-29", fee_bps: 35, waiver: null }],
  },
];

/** IBIT has not reported the report date: that day is partial, awaiting IBIT. */
const flowOf = (fund: Fund, date: string, i: number): number | null => {
  if (WEEKEND.has(date)) return null;
  if (fund.ticker === "IBIT" && date === REPORT) return null;
  return (fund.asset === "BTC" ? 100 : fund.asset === "ETH" ? 20 : 2) * 1e6 * (i % 3 === 0 ? -1 : 1);
};

/** BSOL pays a distribution on 12 Aug: its tables then carry a column of their own for it. */
const PAYOUT = { fund: "BSOL", date: "2026-08-12", usd: "-1000000.00" };
/** ETHE's, on 13 Aug: the explainer shows its day's split. */
const ETHE_PAYOUT = { fund: "ETHE", date: "2026-08-13", usd: "-9390000.00" };
const payoutOf = (fund: Fund, date: string) =>
  [PAYOUT, ETHE_PAYOUT].find((payout) => payout.fund === fund.ticker && payout.date === date)?.usd ?? "0.00";
/** BSOL stakes and keeps its rewards; its filing of 18 Aug counts 12.5 SOL more than the flows on record. */
const BSOL_MARK = { date: "2026-08-18", residual: "12.500000000" };

function fundRows(fund: Fund): FundDayRow[] {
  let cumulative = 500e6;
  return DATES.map((date, i) => {
    const flow = flowOf(fund, date, i);
    cumulative += flow ?? 0;
    const price = PRICE[fund.asset] ?? 1;
    const state = WEEKEND.has(date) ? "holiday" : flow === null ? "missing" : "final";
    return {
      date,
      state,
      price_usd: price.toFixed(8),
      price_stale: false,
      units: (cumulative / price).toFixed(8),
      aum_usd: cumulative.toFixed(2),
      net_flow_usd: flow === null ? null : flow.toFixed(2),
      flow_effect_usd: flow === null ? null : flow.toFixed(2),
      market_effect_usd: "0.00",
      other_effect_usd: "0.00",
      fee_effect_usd: "0.00",
      income_effect_usd: "0.00",
      distribution_effect_usd: payoutOf(fund, date),
      residual_units: fund.ticker === "BSOL" && date === BSOL_MARK.date ? BSOL_MARK.residual : "0",
      transfer_units: "0",
      income_units: "0",
      distribution_units: "0",
      cumulative_flow_usd: (cumulative - 500e6).toFixed(2),
    };
  });
}

const rows = new Map(FUNDS.map((fund) => [fund.ticker, fundRows(fund)]));
const GROUPS: [By, string, (fund: Fund) => boolean][] = [
  ["total", "all", () => true],
  ...["BTC", "ETH", "SOL"].map((asset): [By, string, (fund: Fund) => boolean] => [
    "asset",
    asset,
    (fund) => fund.asset === asset,
  ]),
  ["issuer", "BlackRock", (fund) => fund.issuer === "BlackRock"],
  ["issuer", "Bitwise", (fund) => fund.issuer === "Bitwise"],
  ["issuer", "Grayscale", (fund) => fund.issuer === "Grayscale"],
  ["issuer", "21Shares", (fund) => fund.issuer === "21Shares"],
  ["country", "US", () => true],
  ["vehicle", "spot_etf", (fund) => fund.vehicle === "spot_etf"],
];

/** One group's row over [start, end], with the completeness fields the API adds. */
function aggregate(
  by: By,
  key: string,
  member: (fund: Fund) => boolean,
  period: "day" | "week" | "month" | "ytd",
  label: string,
  start: string,
  end: string,
) {
  const funds = FUNDS.filter(member);
  const inRange = (row: FundDayRow) => row.date >= start && row.date <= end;
  const days = funds.flatMap((fund) =>
    (rows.get(fund.ticker) ?? []).filter(inRange).map((row) => ({ fund, row })),
  );
  const flows = days.filter(({ row }) => row.net_flow_usd !== null);
  const awaiting = [
    ...new Set(days.filter(({ row }) => row.state === "missing").map(({ fund }) => fund.ticker)),
  ];
  const trading = days.some(({ row }) => row.state !== "holiday");
  const last = funds.map((fund) => (rows.get(fund.ticker) ?? []).filter(inRange).at(-1));
  const sum = (values: unknown[]) => values.reduce<number>((total, v) => total + Number(v ?? 0), 0);
  const flow = flows.length > 0 ? sum(flows.map(({ row }) => row.net_flow_usd)).toFixed(2) : null;
  const allAwaiting = awaiting.length > 0 && flows.length === 0;
  return {
    by,
    key,
    period,
    label,
    start,
    end,
    aum_usd: sum(last.map((row) => row?.aum_usd)).toFixed(2),
    net_flow_usd: flow,
    flow_effect_usd: flow ?? "0.00",
    market_effect_usd: "0.00",
    other_effect_usd: "0.00",
    fee_effect_usd: "0.00",
    cumulative_flow_usd: sum(last.map((row) => row?.cumulative_flow_usd)).toFixed(2),
    flow_5d_usd: "0.00",
    flow_20d_usd: "0.00",
    organic_growth_20d: null,
    streak: 0,
    streak_record_inflow: 0,
    streak_record_outflow: 0,
    breadth: null,
    market_share_aum: null,
    market_share_flow: null,
    regime: "mixed" as const,
    funds_listed: funds.length,
    funds_reporting: new Set(flows.map(({ fund }) => fund.ticker)).size,
    funds_inflow: 0,
    funds_outflow: 0,
    completeness: !trading ? null : allAwaiting ? "none" : awaiting.length > 0 ? "partial" : "complete",
    awaiting,
    funds_missing: awaiting.length,
    funds_provisional: 0,
  };
}

const aggregates = {
  day: GROUPS.flatMap(([by, key, member]) =>
    DATES.map((date) => aggregate(by, key, member, "day", date, date, date)),
  ),
  week: GROUPS.flatMap(([by, key, member]) => [
    aggregate(by, key, member, "week", "2026-W33", "2026-08-10", "2026-08-16"),
    aggregate(by, key, member, "week", "2026-W34", "2026-08-17", REPORT),
  ]),
  month: GROUPS.map(([by, key, member]) =>
    aggregate(by, key, member, "month", "2026-08", "2026-08-10", REPORT),
  ),
  ytd: GROUPS.map(([by, key, member]) => aggregate(by, key, member, "ytd", "2026", "2026-08-10", REPORT)),
};

const REVISIONS = [
  {
    id: 7,
    entity: "flow",
    subject: "IBIT",
    date: "2026-08-12",
    key: "IBIT|2026-08-12|farside",
    old_value: flowValue("0.00", "final"),
    new_value: flowValue("-46800000.00", "final"),
    recorded_at: "2026-08-22T09:14:03Z",
    observed_at: "2026-08-13T02:30:06Z",
    source: "farside",
  },
  {
    id: 8,
    entity: "flow",
    subject: "ETHB",
    date: "2026-08-11",
    key: "ETHB|2026-08-11|farside",
    old_value: flowValue("0.00", "final"),
    new_value: flowValue(null, "withdrawn"),
    recorded_at: "2026-08-22T09:14:03Z",
    observed_at: null,
    source: "farside",
  },
];

/** The corporate actions the charts annotate, as GET /v1/revisions?entity=event lists them. */
const EVENTS = [
  {
    id: 3,
    entity: "event",
    subject: "BSOL",
    date: PAYOUT.date,
    key: `distribution|${PAYOUT.date}|BSOL||sec.gov/Archives/edgar/data/1/2/R9.htm`,
    old_value: null,
    new_value: { units: null, usd: "1000000.00", fee_bps: null, new_ticker: null, note: "a payout" },
    recorded_at: "2026-08-22T09:14:03Z",
    observed_at: null,
    source: "BSOL 10-Q note 9 (sec.gov/Archives/edgar/data/1/2/R9.htm)",
  },
  {
    id: 4,
    entity: "event",
    subject: "GSOL",
    date: "2025-10-29",
    key: "fee_change|2025-10-29|GSOL||sec.gov/Archives/edgar/data/1896677/000119312525297537/R18.htm",
    old_value: null,
    new_value: {
      units: null,
      usd: null,
      fee_bps: "35",
      new_ticker: null,
      waiver: null,
      note: "Grayscale Solana Trust uplisted to NYSE Arca as an ETF; sponsor fee from 2.50% to 0.35% that day",
    },
    recorded_at: "2026-08-22T09:14:03Z",
    observed_at: null,
    source:
      "Grayscale Solana Trust ETF 10-Q Q3 2025 note 10 (sec.gov/Archives/edgar/data/1896677/000119312525297537/R18.htm)",
  },
];

const SITE_URL = "https://aumflow.example";
let outDir = "";
const pages = new Map<string, string>();
/** Every file of the build that is not a page: CSV, XML, text. */
const files = new Map<string, string>();
const page = (route: string) => {
  const html = pages.get(route);
  if (html === undefined) throw new Error(`no page ${route}`);
  return html;
};
/** A page's visible words, tags stripped, so that a sentence split by markup still reads whole. */
const text = (route: string) =>
  page(route)
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .replace(/ ([.,:;)])/g, "$1");

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aumflow-market-"));
  mkdirSync(path.join(dir, "daily"));
  const latest = (fund: Fund) => {
    const last = rows.get(fund.ticker)?.at(-1);
    return last
      ? {
          date: last.date,
          state: last.state,
          aum_usd: last.aum_usd,
          units: last.units,
          cumulative_flow_usd: last.cumulative_flow_usd,
          market_share: null,
        }
      : null;
  };
  const byAsset = ["BTC", "ETH", "SOL"].map((asset) => ({
    asset,
    aum_usd: "0.00",
    headline_date: asset === "BTC" ? "2026-08-20" : REPORT,
    net_flow_usd: null,
    completeness: asset === "BTC" ? "partial" : "complete",
    awaiting: asset === "BTC" ? ["IBIT"] : [],
  }));
  const doc = {
    data_version: 99,
    generated_at: "2026-08-22T10:00:00Z",
    summary: {
      data_version: 99,
      report_date: REPORT,
      last_final_date: "2026-08-20",
      provisional_dates: [],
      missing: [{ fund: "IBIT", date: REPORT }],
      total_aum_usd: "0.00",
      changes: null,
      net_flow_usd: null,
      streak: 0,
      regime: "mixed",
      organic_growth_20d: null,
      top_inflows: [],
      top_outflows: [],
      by_asset: byAsset,
      headline_date: "2026-08-20",
      report_date_completeness: "partial",
      report_date_awaiting: ["IBIT"],
    },
    assets: [
      { symbol: "BTC", name: "Bitcoin", decimals: 8 },
      { symbol: "ETH", name: "Ether", decimals: 18 },
      { symbol: "SOL", name: "Solana", decimals: 9 },
    ],
    funds: FUNDS.map((fund) => ({ former_tickers: [], fee_history: [], ...fund, latest: latest(fund) })),
    aggregates,
  };
  writeFileSync(path.join(dir, "export.json"), JSON.stringify(doc));
  for (const fund of FUNDS) {
    const answer = { fund: fund.ticker, rows: rows.get(fund.ticker) };
    writeFileSync(path.join(dir, `daily/${fund.ticker}.json`), JSON.stringify(answer));
  }
  writeFileSync(path.join(dir, "revisions.json"), JSON.stringify({ revisions: REVISIONS }));
  writeFileSync(path.join(dir, "events.json"), JSON.stringify({ revisions: EVENTS }));
  outDir = mkdtempSync(path.join(tmpdir(), "aumflow-market-site-"));
  // The site's public address, as a deployment sets it: every absolute link must carry it.
  process.env.AUMFLOW_SITE_URL = SITE_URL;
  try {
    await buildSite({ exportDir: dir, outDir, quiet: true });
  } finally {
    delete process.env.AUMFLOW_SITE_URL;
  }
  for (const entry of readdirSync(outDir, { recursive: true }) as string[]) {
    if (/\.(csv|xml|txt)$/.test(entry))
      files.set(`/${entry}`, readFileSync(path.join(outDir, entry), "utf8"));
    if (!entry.endsWith("index.html")) continue;
    const route = `/${entry.slice(0, -"index.html".length)}`;
    pages.set(route, readFileSync(path.join(outDir, entry), "utf8"));
  }
}, 180_000);

describe("three assets side by side", () => {
  it("has a page for every asset, SOL included, and for every fund", () => {
    for (const symbol of ["BTC", "ETH", "SOL"]) expect(pages.has(`/assets/${symbol}/`), symbol).toBe(true);
    expect(text("/assets/SOL/")).toContain("Solana (SOL) funds");
    for (const fund of FUNDS) expect(pages.has(`/funds/${fund.ticker}/`), fund.ticker).toBe(true);
  });

  it("shows BTC, ETH, SOL and all funds in one table on the overview, trends and asset pages", () => {
    for (const route of ["/", "/trends/", "/assets/", "/assets/ETH/"]) {
      const words = text(route);
      for (const name of ["Bitcoin", "Ether", "Solana", "All funds"])
        expect(words, `${route}: ${name}`).toContain(name);
    }
    const week = text("/weekly/2026-W34/");
    expect(week).toContain("By asset");
    expect(week).toMatch(/Solana \+\$\d/);
  });
});

describe("day completeness", () => {
  it("gives the headline of the last day every fund has reported and says so", () => {
    const home = text("/");
    expect(home).toContain("Net flow on 20 Aug 2026, the last day every fund has reported");
    expect(home).toContain("21 Aug 2026: partial, awaiting IBIT");
  });

  it("marks a partial day in the flow tables with the funds awaited, never as a plain total", () => {
    const week = page("/weekly/2026-W34/");
    expect(week).toMatch(/<span class="tag">partial, awaiting IBIT<\/span>/);
    expect(text("/assets/BTC/")).toContain("21 Aug 2026: partial, awaiting IBIT");
  });
});

describe("metadata nobody has published", () => {
  it("shows a fund with no name, vehicle or venue as not known, and never prints null", () => {
    const ethb = text("/funds/ETHB/");
    expect(ethb).toContain("ETHB (name not published)");
    expect(ethb).toContain("its vehicle is not known");
    expect(ethb).toMatch(/Exchange Not known\*/);
    expect(ethb).toContain("Not known: nothing published was found");
    const msbt = text("/funds/MSBT/");
    expect(msbt).toContain("from an issuer not known");
    expect(text("/funds/BSOL/")).toMatch(/Sponsor fee Not known\*/);
    expect(ethb).toMatch(/Staking Not known\*/);
    expect(text("/funds/BSOL/")).toContain("Staking stakes and keeps the rewards");
    expect(page("/funds/")).toContain('title="not known: nothing published was found"');
  });

  it("keeps a fund with no issuer off the issuer pages and says so", () => {
    expect([...pages.keys()].filter((route) => route.startsWith("/issuers/")).sort()).toEqual([
      "/issuers/",
      "/issuers/21shares/",
      "/issuers/bitwise/",
      "/issuers/blackrock/",
      "/issuers/grayscale/",
    ]);
    expect(text("/issuers/")).toContain("No issuer is on record for MSBT");
  });

  it("prints no null, undefined or NaN on any page", () => {
    for (const [route] of pages) expect(text(route), route).not.toMatch(/\bnull\b(?! in JSON)|undefined|NaN/);
  });
});

describe("revision history in words", () => {
  it("says each restatement as Farside prints it, and never shows a storage key", () => {
    expect(text("/funds/IBIT/")).toContain(
      "IBIT, 12 Aug 2026: 0.0 → \u2212\u2060$46.8M, seen 13 Aug 02:30 UTC",
    );
    expect(text("/funds/ETHB/")).toContain("ETHB, 11 Aug 2026: 0.0 → withdrawn (–), seen 22 Aug 09:14 UTC");
    for (const [route, html] of pages) expect(html, route).not.toContain("|farside");
    expect(existsSync(path.join(outDir, "data/revisions.csv"))).toBe(true);
    expect(readFileSync(path.join(outDir, "data/revisions.csv"), "utf8")).not.toContain("|farside");
  });
});

describe("the flow tables", () => {
  it("has a table per asset and for all funds, each year in US$ millions, in coins and as CSV", () => {
    for (const route of [
      "/flows/",
      "/flows/btc/",
      "/flows/btc/2026/",
      "/flows/btc/2026/coins/",
      "/flows/sol/2026/",
      "/flows/all/2026/",
    ])
      expect(pages.has(route), route).toBe(true);
    expect(pages.has("/flows/all/2026/coins/")).toBe(false);
    expect(files.has("/flows/btc/2026.csv")).toBe(true);
    expect(files.has("/flows/btc/2026-coins.csv")).toBe(true);
    for (const route of ["/", "/assets/BTC/", "/funds/IBIT/"])
      expect(page(route), route).toMatch(/href="\/flows\//);
  });

  it("marks the partial day, the figure not reported yet and the restated one, and adds up what was reported", () => {
    const html = page("/flows/btc/2026/");
    const row = /<tr id="d-2026-08-21">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(row).toContain('<span class="state">partial: awaiting IBIT</span>');
    expect(row).toContain('title="not reported yet">–</td>');
    // MSBT's +100.0 alone makes the Total, marked partial.
    expect(row).toMatch(/<td class="num total part" title="partial: awaiting IBIT">100\.0<\/td>/);
    // No weekend row; the week's sum follows its last day.
    expect(html).not.toContain('id="d-2026-08-15"');
    expect(html).toMatch(/<tr class="sum week"><th scope="row" class="date">Week 34/);
    expect(text("/flows/btc/2026/")).toContain(
      "IBIT, 12 Aug 2026: 0.0 → \u2212\u2060$46.8M, seen 13 Aug 02:30 UTC",
    );
    expect(html).toMatch(/title="restated: 0\.0 → [^"]+"/);
    const csv = files.get("/flows/btc/2026.csv") ?? "";
    // Columns are the funds largest first by AUM today; read each by its header.
    const header = csv.split("\r\n")[0]?.split(",") ?? [];
    expect([...header].sort()).toEqual(["IBIT_usd_m", "MSBT_usd_m", "Total_usd_m", "date", "note"]);
    const line =
      csv
        .split("\r\n")
        .find((l) => l.startsWith("2026-08-21,"))
        ?.split(",") ?? [];
    const at = (column: string) => line[header.indexOf(column)];
    expect([at("IBIT_usd_m"), at("MSBT_usd_m"), at("Total_usd_m"), at("note")]).toEqual([
      "",
      "100.0",
      "100.0",
      "partial: awaiting IBIT",
    ]);
  });

  it("names each asset's total in the all-funds table", () => {
    const html = page("/flows/all/2026/");
    for (const label of ["BTC total", "ETH total", "SOL total", "Total"])
      expect(html).toContain(`>${label}<`);
  });
});

describe("the split of AUM changes", () => {
  it("gives distributions a column of their own where there are any, and none where there are none", () => {
    expect(page("/funds/BSOL/")).toContain(">Distributions</th>");
    expect(page("/funds/IBIT/")).not.toContain(">Distributions</th>");
    expect(page("/funds/IBIT/")).not.toContain(">Staking income</th>");
  });
});

describe("honest charts", () => {
  it("keeps chart text out of the SVGs and annotates events with their source", () => {
    for (const [route, html] of pages)
      expect(html, route).not.toMatch(/<svg[^>]*>(?:(?!<\/svg>)[\s\S])*<text/);
    const sol = text("/funds/BSOL/");
    expect(sol).toContain("12 Aug 2026: BSOL pays $1.0M out to its shareholders");
    expect(page("/funds/BSOL/")).toContain('href="https://www.sec.gov/Archives/edgar/data/1/2/R9.htm"');
  });
});

describe("the site's own address", () => {
  it("is in every canonical link, the sitemap, the feed and robots.txt, and localhost never is", () => {
    expect(page("/")).toContain(`<link rel="canonical" href="${SITE_URL}/">`);
    expect(files.get("/sitemap.xml")).toContain(`<loc>${SITE_URL}/flows/btc/2026/</loc>`);
    expect(files.get("/robots.txt")).toContain(`Sitemap: ${SITE_URL}/sitemap.xml`);
    expect(files.get("/weekly/feed.xml")).toContain(`<link href="${SITE_URL}/weekly/2026-W34/"/>`);
    for (const [name, body] of [...pages, ...files]) expect(body, name).not.toContain("localhost:8787");
  });
});

describe("fund mechanics", () => {
  const usd = (text: string) => `$${(Math.abs(Number(text)) / 1e6).toFixed(1)}M`;

  it("explains staking, distributions, fees and ticker changes with ETHE's payout read from the data", () => {
    const words = text("/learn/fund-mechanics/");
    expect(text("/learn/")).toContain("Staking, distributions, fee waivers and ticker changes");
    const day = rows.get("ETHE")?.find((row) => row.date === ETHE_PAYOUT.date);
    expect(words).toContain(
      `ETHE paid out ${usd(ETHE_PAYOUT.usd)} ($9,390,000) to its shareholders on 13 Aug 2026`,
    );
    // The day's split: the flow and the distribution apart, as the rows have them.
    const flow = Number(day?.net_flow_usd);
    expect(words).toContain(`investors ${flow < 0 ? "took out" : "put in"} ${usd(String(flow))}`);
    expect(words).toMatch(/Distribution paid out −\u2060\$9\.4M/);
    // Nothing invented: no income on record, and the policy not known where none was published.
    expect(words).toContain(`Staking income on record, all ${FUNDS.length} funds and every day: $0.`);
    expect(words).toContain(
      "GSOL At listing, 29 Oct 2025: 0.35% a year (35 basis points), as set by a fee change on record",
    );
    expect(words).toContain("TETH traded as CETH until 28 Aug 2025, when it became TETH");
    expect(words).toContain(
      "BSOL's filing of 18 Aug 2026 counts 12.5 SOL more than the flow record: likely staking rewards",
    );
    expect(page("/learn/fund-mechanics/")).toContain('href="/funds/CETH/"');
  });

  it("leads from a former ticker to the fund's page with a refresh, a canonical link and a plain link", () => {
    const html = page("/funds/CETH/");
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/funds/TETH/">');
    expect(html).toContain(`<link rel="canonical" href="${SITE_URL}/funds/TETH/">`);
    expect(html).toContain('<a href="/funds/TETH/">');
    expect(html).not.toMatch(/<script/i);
    expect(files.get("/sitemap.xml")).not.toContain("/funds/CETH/");
    expect(text("/funds/TETH/")).toContain("Former tickers CETH until 28 Aug 2025, when it became TETH");
  });

  it("shows a fund's fee history, its staking policy, and what a staking fund's residual likely is", () => {
    const gsol = text("/funds/GSOL/");
    expect(gsol).toContain(
      "Sponsor fee At listing, 29 Oct 2025: 0.35% a year (35 basis points), as set by a fee change on record, no waiver.",
    );
    expect(gsol).toContain("sponsor fee from 2.50% to 0.35% that day");
    expect(gsol).toContain("Staking Not known*");
    expect(text("/funds/IBIT/")).toContain(
      "Sponsor fee 0.25% a year (25 basis points) since listing; no fee change on record",
    );
    expect(text("/funds/BSOL/")).toContain("The difference is likely staking rewards not yet reported");
    expect(text("/funds/IBIT/")).not.toContain("likely staking rewards");
  });
});
