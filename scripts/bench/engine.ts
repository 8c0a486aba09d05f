// Engine throughput on a synthetic market: 1,000 funds × 10 years of calendar days (50 × 2 with
// --quick), weekdays as trading days, and what recomputing one fund from mid-history costs next
// to rolling every fund. Run alone: node scripts/bench/engine.ts [--quick]
import process from "node:process";
import { pathToFileURL } from "node:url";
import { addDays, dayOfWeek, eachDay } from "../../shared/dates.ts";
import { usdToUnits } from "../../shared/decimal.ts";
import { rollFund } from "../../shared/engine/fund-days.ts";
import type { FlowFact, FundLedger, HoldingsMark, TransferFact } from "../../shared/engine/types.ts";
import { seededRandom } from "./universe.ts";

export interface EngineFigures {
  funds: number;
  years: number;
  fundDays: number;
  fullRollMs: number;
  fundDaysPerSecond: number;
  fundDaysPerCpuSecond: number;
  recomputeOneFundMs: number;
  /** Recomputing one fund from mid-history, as a share of rolling every fund in full. */
  recomputeRatio: number;
}

const OPTIONS = { accrueFees: true };
const FIRST_DAY = "2015-01-01";

/** A daily random walk of closes at scale 8, with about one day in fifty left without a mark. */
function pricePath(dates: string[], opening: number, random: () => number): Map<string, bigint> {
  const prices = new Map<string, bigint>();
  let close = opening;
  for (const date of dates) {
    close *= 1 + (random() - 0.5) * 0.08;
    if (random() > 0.02) prices.set(date, BigInt(Math.round(close * 1e8)));
  }
  return prices;
}

interface Market {
  dates: string[];
  isTradingDay: (date: string) => boolean;
  assets: { decimals: number; prices: Map<string, bigint> }[];
}

function syntheticMarket(years: number, random: () => number): Market {
  const dates = [...eachDay(FIRST_DAY, addDays(FIRST_DAY, Math.round(years * 365.25) - 1))];
  const tradingDays = new Set(dates.filter((date) => dayOfWeek(date) % 6 !== 0));
  return {
    dates,
    isTradingDay: (date) => tradingDays.has(date),
    assets: [
      { decimals: 8, prices: pricePath(dates, 300, random) },
      { decimals: 18, prices: pricePath(dates, 10, random) },
    ],
  };
}

function coins(asset: { decimals: number }, whole: number): bigint {
  return BigInt(whole) * 10n ** BigInt(asset.decimals);
}

/** Every fund has daily flows; some carry marks (one before its listing), some a spin-off. */
function syntheticLedger(market: Market, index: number, random: () => number): FundLedger {
  const asset = market.assets[index % 4 === 3 ? 1 : 0] as Market["assets"][number];
  const listedOn = market.dates[index % 30] as string;
  const flows: FlowFact[] = [];
  const holdings: HoldingsMark[] = [];
  const transfers: TransferFact[] = [];
  for (const [day, date] of market.dates.entries()) {
    if (date >= listedOn && market.isTradingDay(date)) {
      const netFlowUsd = BigInt(Math.round((random() - 0.45) * 5e9));
      const price = asset.prices.get(date);
      const units = price && random() < 0.3 ? usdToUnits(netFlowUsd, price, asset.decimals) : null;
      flows.push({ date, netFlowUsd, units, status: random() < 0.05 ? "provisional" : "final" });
    }
    if (index % 3 === 0 && day % 30 === 29) holdings.push({ date, units: coins(asset, 1_000_000) });
    if (index % 50 === 0 && day === 400) transfers.push({ date, units: -coins(asset, 1000) });
  }
  if (index % 10 === 0) holdings.push({ date: addDays(listedOn, -10), units: coins(asset, 100_000) });
  const fund = {
    ticker: `F${index}`,
    name: `Fund ${index}`,
    issuer: `Issuer ${index % 12}`,
    asset: asset.decimals === 8 ? "BTC" : "ETH",
    vehicle: "spot_etf" as const,
    country: "US",
    exchange: "XNAS",
    listed_on: listedOn,
    delisted_on: null,
    fee_bps: 15 + (index % 236),
    staking_policy: null,
  };
  return {
    fund,
    decimals: asset.decimals,
    prices: asset.prices,
    flows,
    holdings,
    transfers,
    isTradingDay: market.isTradingDay,
  };
}

interface Timing {
  ms: number;
  /** Process CPU time over the same span: steadier than wall time on a shared machine. */
  cpuMs: number;
}

function timed(run: () => void): Timing {
  const cpu = process.cpuUsage();
  const started = performance.now();
  run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function fastest(runs: number, run: () => void): Timing {
  let best = timed(run);
  for (let i = 1; i < runs; i++) {
    const next = timed(run);
    if (next.ms < best.ms) best = next;
  }
  return best;
}

/** Every fund in full, keeping no rows, as a nightly rebuild would. */
function rollAll(ledgers: FundLedger[], reportDate: string): number {
  let fundDays = 0;
  for (const ledger of ledgers) fundDays += rollFund(ledger, reportDate, OPTIONS).length;
  return fundDays;
}

/** One fund from the middle of its history, continuing from the stored row before it. */
function recomputeOneFund(ledger: FundLedger, reportDate: string): Timing {
  const rows = rollFund(ledger, reportDate, OPTIONS);
  const middle = Math.floor(rows.length / 2);
  const previous = rows[middle - 1] as (typeof rows)[number];
  const resume = { from: addDays(previous.date, 1), previous };
  return fastest(50, () => rollFund(ledger, reportDate, OPTIONS, resume));
}

export async function benchEngine({ quick }: { quick: boolean }): Promise<EngineFigures> {
  return measureEngine(quick ? 50 : 1000, quick ? 2 : 10);
}

export function measureEngine(funds: number, years: number): EngineFigures {
  const random = seededRandom(20240111);
  const market = syntheticMarket(years, random);
  const ledgers = Array.from({ length: funds }, (_, index) => syntheticLedger(market, index, random));
  const reportDate = market.dates.at(-1) as string;
  rollAll(ledgers.slice(0, 50), reportDate); // lets the JIT settle before timing
  const fundDays = rollAll(ledgers, reportDate);
  const full = fastest(fundDays > 1_000_000 ? 3 : 10, () => rollAll(ledgers, reportDate));
  const recompute = recomputeOneFund(ledgers[1] as FundLedger, reportDate);
  return {
    funds,
    years,
    fundDays,
    fullRollMs: full.ms,
    fundDaysPerSecond: Math.round((fundDays / full.ms) * 1000),
    fundDaysPerCpuSecond: Math.round((fundDays / full.cpuMs) * 1000),
    recomputeOneFundMs: recompute.ms,
    recomputeRatio: recompute.ms / full.ms,
  };
}

export function formatEngineFigures(figures: EngineFigures): string {
  const count = (value: number) => value.toLocaleString("en-US");
  const rows = [
    ["full roll", `${figures.fullRollMs.toFixed(0)} ms`, `${count(figures.fundDaysPerSecond)} fund-days/s`],
    ["  by CPU time", "", `${count(figures.fundDaysPerCpuSecond)} fund-days/s`],
    [
      "one fund from mid-history",
      `${figures.recomputeOneFundMs.toFixed(2)} ms`,
      `${(figures.recomputeRatio * 100).toFixed(3)}% of the full roll`,
    ],
  ];
  const title = `engine: ${figures.funds} funds × ${figures.years} years = ${count(figures.fundDays)} fund-days`;
  return [
    title,
    ...rows.map(([what, time, rate]) => `  ${what?.padEnd(27)}${time?.padStart(10)}   ${rate}`),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatEngineFigures(await benchEngine({ quick: process.argv.includes("--quick") })));
}
