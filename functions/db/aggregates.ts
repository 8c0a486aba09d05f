// aggregate_days rows as the engine's AggregateDay, a group's whole series at a time.
import type { AggregateDay } from "../../shared/engine/aggregate.ts";
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

/** Every day of every group of `by` (of one group when `key` is given), by group then date. */
export async function readGroupDays(db: D1Database, by: GroupBy, key?: string): Promise<AggregateDay[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM aggregate_days WHERE group_by = ?1 AND (?2 IS NULL OR group_key = ?2)
       ORDER BY group_key, date`,
    )
    .bind(by, key ?? null)
    .all<StoredAggregateDay>();
  return results.map(fromStored);
}

/** The groups of `by` with stored days (just `key`, if given and stored), in order. */
async function groupKeys(db: D1Database, by: GroupBy, key?: string): Promise<string[]> {
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
 * The days of each group of `by` (just `key`, if given), one group at a time, in order: a reader of
 * every group's history holds one of them. `totals` (the total group's days, read already) serves
 * by=total.
 */
export async function* eachGroupDays(
  db: D1Database,
  by: GroupBy,
  totals: AggregateDay[],
  key?: string,
): AsyncGenerator<AggregateDay[]> {
  for (const group of await groupKeys(db, by, key)) {
    yield by === "total" ? totals : await readGroupDays(db, by, group);
  }
}

/** Every group of `by` on one day (none when `date` is null). */
export async function readGroupDaysOn(
  db: D1Database,
  by: GroupBy,
  date: string | null,
): Promise<AggregateDay[]> {
  if (date === null) return [];
  const { results } = await db
    .prepare("SELECT * FROM aggregate_days WHERE group_by = ?1 AND date = ?2 ORDER BY group_key")
    .bind(by, date)
    .all<StoredAggregateDay>();
  return results.map(fromStored);
}
