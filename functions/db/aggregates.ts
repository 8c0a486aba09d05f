// aggregate_days rows as the engine's AggregateDay, a group's whole series at a time, and the missing
// fund-days that name the funds a group's day still awaits.
import type { AggregateDay } from "../../shared/engine/aggregate.ts";
import type { AwaitedFundDay } from "../../shared/engine/aggregate-rows.ts";
import type { GroupBy } from "../../shared/export.ts";

interface StoredAggregateDay {
  group_by: GroupBy;
  group_key: string;
  date: string;
  aum_usd: number;
  net_flow_usd: number | null;
  flow_effect_usd: number;
  market_effect_usd: number;
  other_effect_usd: number;
  fee_effect_usd: number;
  income_effect_usd: number;
  distribution_effect_usd: number;
  cumulative_flow_usd: number;
  gross_flow_usd: number;
  funds_listed: number;
  funds_reporting: number;
  funds_inflow: number;
  funds_outflow: number;
  funds_provisional: number;
  funds_missing: number;
}

function fromStored(row: StoredAggregateDay): AggregateDay {
  return {
    by: row.group_by,
    key: row.group_key,
    date: row.date,
    aumUsd: BigInt(row.aum_usd),
    netFlowUsd: BigInt(row.net_flow_usd ?? 0),
    flowEffectUsd: BigInt(row.flow_effect_usd),
    marketEffectUsd: BigInt(row.market_effect_usd),
    otherEffectUsd: BigInt(row.other_effect_usd),
    feeEffectUsd: BigInt(row.fee_effect_usd),
    incomeEffectUsd: BigInt(row.income_effect_usd),
    distributionEffectUsd: BigInt(row.distribution_effect_usd),
    cumulativeFlowUsd: BigInt(row.cumulative_flow_usd),
    grossFlowUsd: BigInt(row.gross_flow_usd),
    fundsListed: row.funds_listed,
    fundsReporting: row.funds_reporting,
    fundsInflow: row.funds_inflow,
    fundsOutflow: row.funds_outflow,
    fundsProvisional: row.funds_provisional,
    fundsMissing: row.funds_missing,
  };
}

/**
 * Every day of every group of `by` (of one group when `key` is given), by group then date; only the
 * days up to `through` when given (a page's indicators need the history before it, never after).
 */
export async function readGroupDays(
  db: D1Database,
  by: GroupBy,
  key?: string,
  through?: string,
): Promise<AggregateDay[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM aggregate_days WHERE group_by = ?1 AND (?2 IS NULL OR group_key = ?2)
         AND (?3 IS NULL OR date <= ?3)
       ORDER BY group_key, date`,
    )
    .bind(by, key ?? null, through ?? null)
    .all<StoredAggregateDay>();
  return results.map(fromStored);
}

/** The groups of `by` with stored days (just `key`, if given and stored), in order. */
export async function groupKeys(db: D1Database, by: GroupBy, key?: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT group_key AS key FROM aggregate_days WHERE group_by = ?1 AND (?2 IS NULL OR group_key = ?2)
       ORDER BY group_key`,
    )
    .bind(by, key ?? null)
    .all<{ key: string }>();
  return results.map((row) => row.key);
}

/**
 * The first day in [from, to] on which any of the groups `keys` of `by` has a row, or null: one walk
 * along the primary key per group, which stops at its first match, so it costs the groups' number.
 */
export async function firstGroupDay(
  db: D1Database,
  by: GroupBy,
  keys: readonly string[],
  range: { from: string; to: string },
): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT MIN((SELECT x.date FROM aggregate_days x WHERE x.group_by = ?1 AND x.group_key = k.value
         AND x.date >= ?2 AND x.date <= ?3 ORDER BY x.date LIMIT 1)) AS date
       FROM json_each(?4) k`,
    )
    .bind(by, range.from, range.to, JSON.stringify(keys))
    .first<{ date: string | null }>();
  return row?.date ?? null;
}

/** The total's first and last day, or null before any fund has one. */
export async function totalDaySpan(db: D1Database): Promise<{ first: string; last: string } | null> {
  const row = await db
    .prepare(
      `SELECT MIN(date) AS first, MAX(date) AS last FROM aggregate_days
       WHERE group_by = 'total' AND group_key = 'all'`,
    )
    .first<{ first: string | null; last: string | null }>();
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

export interface GroupDaysOptions {
  /** One group only. */
  key?: string | undefined;
  /** The groups, when the caller has read them already (groupKeys). */
  keys?: readonly string[] | undefined;
  /** The last day to read (readGroupDays). */
  through?: string | undefined;
}

/**
 * The days of each group of `by` (just `key`, if given), one group at a time, in order: a reader of
 * every group's history holds one of them. `totals` (the total group's days, read already over the
 * same days) serves by=total.
 */
export async function* eachGroupDays(
  db: D1Database,
  by: GroupBy,
  totals: AggregateDay[],
  options: GroupDaysOptions = {},
): AsyncGenerator<AggregateDay[]> {
  for (const group of options.keys ?? (await groupKeys(db, by, options.key))) {
    yield by === "total" ? totals : await readGroupDays(db, by, group, options.through);
  }
}

/**
 * Fund-days in state `missing` in [from, to] (open ends when absent), with what decides their funds'
 * groups: the awaited funds' names for every group of one read. The partial index fund_days_missing
 * holds only these rows, so the read costs their number, not the table's.
 */
export async function readAwaited(
  db: D1Database,
  range: { from?: string | undefined; to?: string | undefined } = {},
): Promise<AwaitedFundDay[]> {
  const { results } = await db
    .prepare(
      `SELECT d.fund, d.date, f.asset, f.issuer, f.country, f.vehicle
       FROM fund_days d JOIN funds f ON f.ticker = d.fund
       WHERE d.state = 'missing' AND d.date >= ?1 AND d.date <= ?2`,
    )
    .bind(range.from ?? "0000-01-01", range.to ?? "9999-12-31")
    .all<AwaitedFundDay>();
  return results;
}

/**
 * A day's search for "complete", as dayCompleteness (shared/engine/aggregate.ts) decides it: no listed
 * fund without a figure, and some fund with one.
 */
const COMPLETE = "x.funds_missing = 0 AND x.funds_reporting > 0";

/**
 * What the summary needs of each asset group: its day on `reportDate`, its last day with a figure and
 * its last complete day. Each is a walk back along the primary key from the group's newest day that
 * stops at the first match, so the cost follows how far back the day is, not the history's length.
 */
export async function readAssetHeadlineDays(
  db: D1Database,
  reportDate: string | null,
): Promise<AggregateDay[]> {
  if (reportDate === null) return [];
  const last = (condition: string) =>
    `(SELECT x.date FROM aggregate_days x WHERE x.group_by = 'asset' AND x.group_key = k.asset
       AND x.date <= ?1 AND ${condition} ORDER BY x.date DESC LIMIT 1)`;
  const { results } = await db
    .prepare(
      `SELECT a.* FROM (SELECT DISTINCT asset FROM funds) k
       CROSS JOIN aggregate_days a ON a.group_by = 'asset' AND a.group_key = k.asset
         AND a.date IN (?1, ${last("x.funds_reporting > 0")}, ${last(COMPLETE)})
       ORDER BY a.group_key, a.date`,
    )
    .bind(reportDate)
    .all<StoredAggregateDay>();
  return results.map(fromStored);
}

/**
 * Missing fund-days, with their fund's asset, on `reportDate` and on each asset's own last day with a
 * figure (the days the summary names the awaited funds of).
 */
export async function readAwaitedOnReportDates(
  db: D1Database,
  reportDate: string | null,
): Promise<{ fund: string; date: string; asset: string }[]> {
  if (reportDate === null) return [];
  const { results } = await db
    .prepare(
      `WITH report_dates AS (
         SELECT ?1 AS date
         UNION
         SELECT (SELECT x.date FROM aggregate_days x WHERE x.group_by = 'asset' AND x.group_key = k.asset
             AND x.date <= ?1 AND x.funds_reporting > 0 ORDER BY x.date DESC LIMIT 1)
         FROM (SELECT DISTINCT asset FROM funds) k)
       SELECT d.fund, d.date, f.asset
       FROM report_dates r CROSS JOIN fund_days d ON d.state = 'missing' AND d.date = r.date
       JOIN funds f ON f.ticker = d.fund`,
    )
    .bind(reportDate)
    .all<{ fund: string; date: string; asset: string }>();
  return results;
}
