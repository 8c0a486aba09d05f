// The synthetic universe the bench loads: funds over three assets, a flow on every trading day of
// every listed fund, a daily close per asset, one holdings mark per fund and a few transfers, written
// as the long CSV files the importer reads. Seeded, so every run loads the same numbers.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tradingDays } from "../../shared/calendar.ts";
import { addDays, eachDay } from "../../shared/dates.ts";
import { formatDecimal } from "../../shared/decimal.ts";

export interface UniverseSpec {
  funds: number;
  years: number;
}

export const FULL_UNIVERSE: UniverseSpec = { funds: 1000, years: 10 };
export const QUICK_UNIVERSE: UniverseSpec = { funds: 20, years: 1 };

export interface Universe extends UniverseSpec {
  dir: string;
  /** In the order the importer would send them anyway (it sorts by kind). */
  files: { funds: string; prices: string; holdings: string; events: string; flows: string };
  rows: { funds: number; prices: number; holdings: number; events: number; flows: number };
  firstDay: string;
  lastDay: string;
  tickers: string[];
}

const LAST_DAY = "2024-12-31";
const ASSETS = [
  { symbol: "BTC", decimals: 8, opening: 300 },
  { symbol: "ETH", decimals: 18, opening: 10 },
  { symbol: "SOL", decimals: 9, opening: 2 },
] as const;
const EXCHANGES = ["XNAS", "XNYS", "ARCX", "BATS"];
const COUNTRIES = ["US", "US", "US", "CA", "DE", "CH", "SE", "GB"];
const VEHICLES = ["spot_etf", "spot_etf", "etp", "trust", "fund"];
const ISSUERS = 24;

/** mulberry32: small, fast and seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface SyntheticFund {
  ticker: string;
  asset: (typeof ASSETS)[number];
  exchange: string;
  listedOn: string;
}

export function tickerOf(index: number): string {
  return `F${String(index).padStart(4, "0")}`;
}

/** Half the funds hold bitcoin, a third ether, the rest solana. */
function assetOf(index: number) {
  const slot = index % 6;
  return ASSETS[slot < 3 ? 0 : slot < 5 ? 1 : 2];
}

export function writeUniverse(spec: UniverseSpec, dir: string, seed = 20240111): Universe {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(seed);
  const firstDay = addDays(LAST_DAY, -Math.round(spec.years * 365.25) + 1);
  const days = [...eachDay(firstDay, LAST_DAY)];
  const sessions = tradingDays("XNYS", firstDay, LAST_DAY);
  const funds: SyntheticFund[] = Array.from({ length: spec.funds }, (_, index) => ({
    ticker: tickerOf(index),
    asset: assetOf(index),
    exchange: EXCHANGES[index % EXCHANGES.length] as string,
    // One fund in twenty lists later, in the first half of the period.
    listedOn: sessions[index % 20 === 19 ? Math.floor(random() * (sessions.length / 2)) : 0] as string,
  }));
  const files = {
    funds: path.join(dir, "funds.csv"),
    prices: path.join(dir, "prices.csv"),
    holdings: path.join(dir, "holdings.csv"),
    events: path.join(dir, "events.csv"),
    flows: path.join(dir, "flows.csv"),
  };
  const rows = {
    funds: write(
      files.funds,
      "ticker,name,issuer,asset,vehicle,country,exchange,listed_on,fee_bps",
      fundLines(funds),
    ),
    prices: write(files.prices, "asset,date,close_usd", priceLines(days, random)),
    holdings: write(files.holdings, "fund,date,units", holdingLines(funds, sessions, random)),
    events: write(files.events, "type,date,from_fund,to_fund,units,note", transferLines(funds, sessions)),
    flows: write(files.flows, "fund,date,net_flow_usd,status", flowLines(funds, sessions, random)),
  };
  return {
    ...spec,
    dir,
    files,
    rows,
    firstDay,
    lastDay: LAST_DAY,
    tickers: funds.map((fund) => fund.ticker),
  };
}

function write(file: string, header: string, lines: string[]): number {
  writeFileSync(file, `${header}\n${lines.join("\n")}\n`);
  return lines.length;
}

function fundLines(funds: SyntheticFund[]): string[] {
  return funds.map((fund, index) =>
    [
      fund.ticker,
      `Synthetic ${fund.asset.symbol} Fund ${index}`,
      `Issuer ${index % ISSUERS}`,
      fund.asset.symbol,
      VEHICLES[index % VEHICLES.length],
      COUNTRIES[index % COUNTRIES.length],
      fund.exchange,
      fund.listedOn,
      String(10 + (index % 140)),
    ].join(","),
  );
}

/** A daily random walk per asset, 8 decimal places, on every calendar day. */
function priceLines(days: string[], random: () => number): string[] {
  const lines: string[] = [];
  for (const asset of ASSETS) {
    let close = asset.opening;
    for (const date of days) {
      close *= 1 + (random() - 0.49) * 0.06;
      lines.push(`${asset.symbol},${date},${formatDecimal(BigInt(Math.max(1, Math.round(close * 1e8))), 8)}`);
    }
  }
  return lines;
}

/** One mark per fund: on its listing day for most, mid-history for one in eight (a reconciliation). */
function holdingLines(funds: SyntheticFund[], sessions: string[], random: () => number): string[] {
  return funds.map((fund, index) => {
    const date = index % 8 === 7 ? (sessions[Math.floor(sessions.length / 2)] as string) : fund.listedOn;
    const coins = BigInt(Math.round((5e7 + random() * 5e8) / fund.asset.opening));
    return `${fund.ticker},${date},${coins}.5`;
  });
}

/** A spin-off-like transfer between two funds of the same asset, one per 200 funds (at least one). */
function transferLines(funds: SyntheticFund[], sessions: string[]): string[] {
  const lines: string[] = [];
  const count = Math.max(1, Math.floor(funds.length / 200));
  const date = sessions[Math.floor((sessions.length * 2) / 3)] as string;
  for (let n = 0; n < count; n++) {
    const from = funds[n * 6];
    const to = funds[n * 6 + 1];
    if (!from || !to || from.asset !== to.asset) continue;
    lines.push(`transfer,${date},${from.ticker},${to.ticker},1000,synthetic transfer ${n}`);
  }
  return lines;
}

/** Every trading day from listing: one in five a zero flow, the rest up to ±25M with an inflow bias. */
function flowLines(funds: SyntheticFund[], sessions: string[], random: () => number): string[] {
  const lines: string[] = [];
  for (const [index, fund] of funds.entries()) {
    const scale = 1e6 + (index % 50) * 4e5;
    for (const date of sessions) {
      if (date < fund.listedOn) continue;
      const cents = random() < 0.2 ? 0 : Math.round((random() - 0.45) * scale * 100);
      lines.push(`${fund.ticker},${date},${centsText(cents)},final`);
    }
  }
  return lines;
}

/** Whole cents as a decimal string, without going through bigint (millions of rows). */
function centsText(cents: number): string {
  const magnitude = Math.abs(cents);
  const fraction = String(magnitude % 100).padStart(2, "0");
  return `${cents < 0 ? "-" : ""}${Math.floor(magnitude / 100)}.${fraction}`;
}

/**
 * A trading day `offset` sessions after the middle of the universe's history: every fund is listed
 * by then (late listings happen in the first half), so a flow on it restates a listed fund's history.
 */
export function midHistoryDay(universe: Universe, offset = 0): string {
  const sessions = tradingDays("XNYS", universe.firstDay, universe.lastDay);
  return sessions[Math.floor(sessions.length / 2) + offset] as string;
}
