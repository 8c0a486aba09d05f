// The flow tables' data, from the build's model: which tables there are (one per asset, one for all
// funds), which years each is paged by, its columns, and each fund's days as exact integers for
// flowtable.ts. Built once per build and shared by the pages and their CSV files.
import { toDayNumber } from "../../../shared/dates.ts";
import { usdToUnits } from "../../../shared/decimal.ts";
import type { FundSummary } from "../../../shared/export.ts";
import {
  buildFlowTable,
  type FlowColumn,
  type FlowTable,
  type FlowUnit,
  type FundInput,
  type Restatement,
  tableYears,
} from "./flowtable.ts";
import * as f from "./format.ts";
import { factDateOf, flowChange, isConfirmation, seenAt, stateAt } from "./history.ts";
import type { Model } from "./model.ts";

/** More funds than this and a table names the largest and adds the rest up in one column. */
export const MAX_FUND_COLUMNS = 40;

export interface FlowScope {
  /** The path segment: "btc", "eth", "sol", "all". */
  slug: string;
  /** The asset's symbol; null for all funds. */
  symbol: string | null;
  /** "Bitcoin", "All funds". */
  name: string;
  funds: FundSummary[];
  /** The years the table is paged by, oldest first. */
  years: string[];
  /** Coins add up only within one asset. */
  coins: boolean;
}

interface Cache {
  scopes: FlowScope[];
  inputs: Map<string, FundInput>;
  /** The tables built, the most recent last: a year's page, its CSV and the index pages ask for the same one. */
  tables: Map<string, FlowTable>;
}

/**
 * Tables kept at once: every year of every table in both units, at ten years and four tables. A
 * table keeps only its columns' cells (at most MAX_FUND_COLUMNS and the sums, some ten thousand a
 * year), but building one adds up every fund's every day: at a thousand funds, a second or more.
 */
const KEPT_TABLES = 96;

const caches = new WeakMap<Model, Cache>();

function cacheOf(model: Model): Cache {
  let cache = caches.get(model);
  if (!cache) {
    cache = { scopes: scopesOf(model), inputs: new Map(), tables: new Map() };
    caches.set(model, cache);
  }
  return cache;
}

function scopesOf(model: Model): FlowScope[] {
  const report = model.reportDate;
  if (report === null) return [];
  const firstListing = (funds: FundSummary[]) =>
    [report, ...funds.map((fund) => fund.listed_on)].sort()[0] ?? report;
  const assets = model.assets
    .filter((asset) => asset.funds.length > 0)
    .map(
      (asset): FlowScope => ({
        slug: asset.symbol.toLowerCase(),
        symbol: asset.symbol,
        name: asset.name,
        funds: asset.funds,
        years: tableYears(firstListing(asset.funds), report),
        coins: true,
      }),
    );
  if (assets.length === 0) return [];
  return [
    ...assets,
    {
      slug: "all",
      symbol: null,
      name: "All funds",
      funds: model.funds,
      years: tableYears(firstListing(model.funds), report),
      coins: false,
    },
  ];
}

export function flowScopes(model: Model): FlowScope[] {
  return cacheOf(model).scopes;
}

export function flowScope(model: Model, slug: string): FlowScope | undefined {
  return flowScopes(model).find((scope) => scope.slug === slug);
}

/** The flow tables of an asset: its scope's slug ("BTC" → "btc"), when it has any. */
export function flowsHref(model: Model, symbol: string | null, year?: string): string | undefined {
  const scope = flowScope(model, symbol === null ? "all" : symbol.toLowerCase());
  if (!scope) return undefined;
  return year && scope.years.includes(year) ? `/flows/${scope.slug}/${year}/` : `/flows/${scope.slug}/`;
}

const cents = (value: number) => BigInt(Math.round(value * 100));

/** One fund's days as flowtable.ts reads them, by direct index into its typed columns. */
function fundInput(model: Model, fund: FundSummary): FundInput {
  const history = model.fundHistory(fund.ticker);
  const decimals = model.asset(fund.asset)?.decimals ?? 8;
  const first = history.day[0] ?? 0;
  const indexOf = (date: string) => {
    const day = toDayNumber(date);
    const i = day - first;
    return history.day[i] === day ? i : -1;
  };
  const dayAt = (i: number) => {
    const flow = history.flow[i] ?? Number.NaN;
    const price = history.price[i] ?? Number.NaN;
    return {
      state: stateAt(history, i),
      cents: Number.isNaN(flow) ? null : cents(flow),
      price: Number.isNaN(price) ? null : BigInt(Math.round(price * 1e8)),
    };
  };
  // Coins of every flow since listing to a day. Tables ask year by year, oldest first, so the sum goes
  // on from where the last one stopped: each day is converted once, and nothing is kept per day.
  let summed = { to: -1, coins: 0n };
  const coinsUpTo = (i: number) => {
    if (i < summed.to) summed = { to: -1, coins: 0n };
    let { to, coins } = summed;
    for (let j = to + 1; j <= i; j++) {
      const day = dayAt(j);
      if (day.cents !== null && day.price !== null && day.price > 0n)
        coins += usdToUnits(day.cents, day.price, decimals);
      to = j;
    }
    summed = { to, coins };
    return coins;
  };
  // Restated flows by date, oldest first; a figure only confirmed (a placeholder marked final) is no change.
  const restatements = new Map<string, Restatement[]>();
  for (const row of [...model.revisionsOfFund(fund.ticker)].reverse()) {
    if (row.entity !== "flow" || isConfirmation(row)) continue;
    const date = factDateOf(row);
    if (date === null) continue;
    const words = `${flowChange(row.old_value, row.new_value)}, seen ${f.moment(seenAt(row), date)}`;
    restatements.set(date, [...(restatements.get(date) ?? []), { words, id: row.id }]);
  }
  const NONE: Restatement[] = [];
  return {
    ticker: fund.ticker,
    asset: fund.asset,
    decimals,
    on: (date) => {
      const i = indexOf(date);
      return i < 0 ? undefined : dayAt(i);
    },
    cumulative: (date, unit) => {
      const i = indexOf(date);
      if (i < 0) return 0n;
      return unit === "usd" ? cents(history.cumulative[i] ?? 0) : coinsUpTo(i);
    },
    level: (date, unit) => {
      const i = indexOf(date);
      if (i < 0) return null;
      const value = unit === "usd" ? history.aum[i] : history.units[i];
      return value === undefined || Number.isNaN(value) ? null : value;
    },
    restated: (date) => restatements.get(date) ?? NONE,
  };
}

function inputOf(model: Model, fund: FundSummary): FundInput {
  const cache = cacheOf(model);
  let input = cache.inputs.get(fund.ticker);
  if (!input) {
    input = fundInput(model, fund);
    cache.inputs.set(fund.ticker, input);
  }
  return input;
}

/** Funds with a row in the year: listed by its end, not delisted before it began. */
export const inYear = (fund: FundSummary, year: string) =>
  fund.listed_on <= `${year}-12-31` && (fund.delisted_on === null || fund.delisted_on >= `${year}-01-01`);

/**
 * The columns of a table: its funds largest first (by AUM today), and the Total. For all funds, each
 * asset's funds then the asset's total. Past MAX_FUND_COLUMNS funds, the largest are named and the
 * rest summed as "others"; all funds then show only each asset's total.
 */
export function flowColumns(model: Model, scope: FlowScope, funds: FundSummary[]): FlowColumn[] {
  const fundColumn = (fund: FundSummary): FlowColumn => ({
    key: fund.ticker,
    label: fund.ticker,
    kind: "fund",
    funds: [fund.ticker],
    asset: fund.asset,
  });
  const total: FlowColumn = {
    key: "total",
    label: "Total",
    kind: "total",
    funds: funds.map((x) => x.ticker),
  };
  if (scope.symbol !== null) {
    if (funds.length <= MAX_FUND_COLUMNS) return [...funds.map(fundColumn), total];
    const named = funds.slice(0, MAX_FUND_COLUMNS - 1);
    const rest = funds.slice(MAX_FUND_COLUMNS - 1);
    return [
      ...named.map(fundColumn),
      { key: "others", label: `${rest.length} others`, kind: "group", funds: rest.map((x) => x.ticker) },
      total,
    ];
  }
  const assets = model.assets.filter((asset) => funds.some((fund) => fund.asset === asset.symbol));
  const each = funds.length <= MAX_FUND_COLUMNS;
  return [
    ...assets.flatMap((asset) => {
      const members = funds.filter((fund) => fund.asset === asset.symbol);
      const sum: FlowColumn = {
        key: `total-${asset.symbol}`,
        label: `${asset.symbol} total`,
        kind: "group",
        funds: members.map((x) => x.ticker),
        asset: asset.symbol,
      };
      return each ? [...members.map(fundColumn), sum] : [sum];
    }),
    total,
  ];
}

/** One year of one scope's table, in dollars or coins; built once per build. */
export function flowTable(model: Model, scope: FlowScope, year: string, unit: FlowUnit): FlowTable {
  const cache = cacheOf(model);
  const key = `${scope.slug}\u0000${year}\u0000${unit}`;
  let table = cache.tables.get(key);
  if (!table) {
    const funds = scope.funds.filter((fund) => inYear(fund, year));
    table = buildFlowTable({
      scope: scope.symbol ?? "all",
      unit,
      year,
      reportDate: model.reportDate ?? `${year}-12-31`,
      funds: funds.map((fund) => inputOf(model, fund)),
      columns: flowColumns(model, scope, funds),
    });
  }
  // Most recently used last; the oldest goes once more are kept than the pages at hand need.
  cache.tables.delete(key);
  cache.tables.set(key, table);
  if (cache.tables.size > KEPT_TABLES) cache.tables.delete(cache.tables.keys().next().value as string);
  return table;
}
