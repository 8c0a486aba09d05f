// fund_days rows <-> the engine's FundDay. USD and prices are integers (cents, scale 8) in D1, units text.
import { formatDecimal, PRICE_SCALE, parseDecimal, USD_SCALE } from "../../shared/decimal.ts";
import type { DayState } from "../../shared/domain.ts";
import type { FundDay } from "../../shared/engine/types.ts";
import type { FundDayRow } from "../../shared/export.ts";
import { DATA_VERSION_SQL } from "./meta.ts";

export interface StoredFundDay {
  fund: string;
  date: string;
  state: DayState;
  price_usd: number | null;
  price_stale: number;
  units: string;
  aum_usd: number;
  net_flow_usd: number | null;
  flow_effect_usd: number | null;
  market_effect_usd: number;
  other_effect_usd: number;
  fee_effect_usd: number;
  income_effect_usd: number;
  distribution_effect_usd: number;
  residual_units: string;
  transfer_units: string;
  fee_units: string;
  income_units: string;
  distribution_units: string;
  cumulative_flow_usd: number;
}

const COLUMNS = [
  "fund",
  "date",
  "state",
  "price_usd",
  "price_stale",
  "units",
  "aum_usd",
  "net_flow_usd",
  "flow_effect_usd",
  "market_effect_usd",
  "other_effect_usd",
  "fee_effect_usd",
  "income_effect_usd",
  "distribution_effect_usd",
  "residual_units",
  "transfer_units",
  "fee_units",
  "income_units",
  "distribution_units",
  "cumulative_flow_usd",
] as const;

const big = (value: number | null) => (value === null ? null : BigInt(value));
const num = (value: bigint | null) => (value === null ? null : Number(value));
function unitsOf(text: string, decimals: number): bigint {
  const value = parseDecimal(text, decimals);
  if (typeof value === "string") throw new Error(`stored units ${text} unreadable: ${value}`);
  return value;
}

export function toStored(fund: string, day: FundDay, decimals: number): StoredFundDay {
  return {
    fund,
    date: day.date,
    state: day.state,
    price_usd: num(day.priceUsd),
    price_stale: day.priceStale ? 1 : 0,
    units: formatDecimal(day.units, decimals),
    aum_usd: Number(day.aumUsd),
    net_flow_usd: num(day.netFlowUsd),
    flow_effect_usd: num(day.flowEffectUsd),
    market_effect_usd: Number(day.marketEffectUsd),
    other_effect_usd: Number(day.otherEffectUsd),
    fee_effect_usd: Number(day.feeEffectUsd),
    income_effect_usd: Number(day.incomeEffectUsd),
    distribution_effect_usd: Number(day.distributionEffectUsd),
    residual_units: formatDecimal(day.residualUnits, decimals),
    transfer_units: formatDecimal(day.transferUnits, decimals),
    fee_units: formatDecimal(day.feeUnits, decimals),
    income_units: formatDecimal(day.incomeUnits, decimals),
    distribution_units: formatDecimal(day.distributionUnits, decimals),
    cumulative_flow_usd: Number(day.cumulativeFlowUsd),
  };
}

export function fromStored(row: StoredFundDay, decimals: number): FundDay {
  return {
    date: row.date,
    state: row.state,
    priceUsd: big(row.price_usd),
    priceStale: row.price_stale === 1,
    units: unitsOf(row.units, decimals),
    aumUsd: BigInt(row.aum_usd),
    netFlowUsd: big(row.net_flow_usd),
    flowEffectUsd: big(row.flow_effect_usd),
    marketEffectUsd: BigInt(row.market_effect_usd),
    otherEffectUsd: BigInt(row.other_effect_usd),
    feeEffectUsd: BigInt(row.fee_effect_usd),
    incomeEffectUsd: BigInt(row.income_effect_usd),
    distributionEffectUsd: BigInt(row.distribution_effect_usd),
    residualUnits: unitsOf(row.residual_units, decimals),
    transferUnits: unitsOf(row.transfer_units, decimals),
    feeUnits: unitsOf(row.fee_units, decimals),
    incomeUnits: unitsOf(row.income_units, decimals),
    distributionUnits: unitsOf(row.distribution_units, decimals),
    cumulativeFlowUsd: BigInt(row.cumulative_flow_usd),
  };
}

const usd = (cents: number | null) => (cents === null ? null : formatDecimal(BigInt(cents), USD_SCALE));

/** The API's daily row (decimal strings). */
export function toFundDayRow(row: StoredFundDay): FundDayRow {
  return {
    date: row.date,
    state: row.state,
    price_usd: row.price_usd === null ? null : formatDecimal(BigInt(row.price_usd), PRICE_SCALE),
    price_stale: row.price_stale === 1,
    units: row.units,
    aum_usd: usd(row.aum_usd) as string,
    net_flow_usd: usd(row.net_flow_usd),
    flow_effect_usd: usd(row.flow_effect_usd),
    market_effect_usd: usd(row.market_effect_usd) as string,
    other_effect_usd: usd(row.other_effect_usd) as string,
    fee_effect_usd: usd(row.fee_effect_usd) as string,
    income_effect_usd: usd(row.income_effect_usd) as string,
    distribution_effect_usd: usd(row.distribution_effect_usd) as string,
    residual_units: row.residual_units,
    transfer_units: row.transfer_units,
    income_units: row.income_units,
    distribution_units: row.distribution_units,
    cumulative_flow_usd: usd(row.cumulative_flow_usd) as string,
  };
}

export async function readFundDays(
  db: D1Database,
  fund: string,
  range: { from?: string | undefined; to?: string | undefined } = {},
): Promise<StoredFundDay[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS.join(", ")} FROM fund_days WHERE fund = ?1
       AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) ORDER BY date`,
    )
    .bind(fund, range.from ?? null, range.to ?? null)
    .all<StoredFundDay>();
  return results;
}

/** About 350 KB of JSON: D1 binds a string of up to 1 MB. */
const ROWS_PER_STATEMENT = 2000;

/**
 * Fund rows as JSON parameters of a few thousand rows each, every row an array in COLUMNS order:
 * SQLite reads a field by position a third faster than by name.
 */
export function fundDaysJson(rows: readonly StoredFundDay[]): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows
      .slice(start, start + ROWS_PER_STATEMENT)
      .map((row) => COLUMNS.map((column) => row[column]));
    chunks.push(JSON.stringify(chunk));
  }
  return chunks;
}

/**
 * The rows of a fundDaysJson parameter (?N) as a table with fund_days' columns. jsonb_each hands
 * each row over parsed (JSONB): json_each would give each row as text, parsed again for each of its
 * twenty fields, which made reading the rows cost more than inserting them.
 */
export function fundDaysFromJson(parameter: string): string {
  return `(SELECT ${COLUMNS.map((column, index) => `value ->> ${index} AS ${column}`).join(", ")} FROM jsonb_each(${parameter}))`;
}

/** Statements inserting fund rows (the days they replace already deleted). */
export function insertFundDaysStatements(db: D1Database, chunks: readonly string[]): D1PreparedStatement[] {
  return chunks.map((json) =>
    db
      .prepare(`INSERT INTO fund_days (${COLUMNS.join(", ")}) SELECT * FROM ${fundDaysFromJson("?1")}`)
      .bind(json),
  );
}

/**
 * Stamps the funds whose rows a recompute rewrites with the data_version now current
 * (migrations/0010_fund_day_versions.sql): their days_version, which tells a client that keeps a
 * fund's rows when to fetch them again.
 */
export function stampDaysVersionStatement(db: D1Database, funds: readonly string[]): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO fund_day_versions (fund, data_version) SELECT value, ${DATA_VERSION_SQL} FROM json_each(?1) WHERE true
       ON CONFLICT (fund) DO UPDATE SET data_version = excluded.data_version`,
    )
    .bind(JSON.stringify(funds));
}
