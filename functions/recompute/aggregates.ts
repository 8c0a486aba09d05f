// Group sums per day, kept exact (integer cents) in two ways. A write touching a few funds corrects
// their groups by difference: each new row adds what it differs from the stored row it replaces, so
// its cost follows the days it changed, not the size of the groups. A bulk recompute re-sums every group from fund_days
// once at the end, with set-based statements over date slices that each fit a D1 query's limits.
import type { Group } from "../../shared/engine/aggregate.ts";
import { fundDaysFromJson } from "../db/fund-days.ts";
import { markSumsStale } from "../ledger/write-protocol.ts";

/** The days of a fund's rows a recompute replaces: on or after `from`, or before `before`. */
export interface ReplacedDays {
  from: string;
  before: string;
}

const SUMMED = [
  "aum_usd",
  "net_flow_usd",
  "flow_effect_usd",
  "market_effect_usd",
  "other_effect_usd",
  "fee_effect_usd",
  "income_effect_usd",
  "distribution_effect_usd",
  "cumulative_flow_usd",
  "gross_flow_usd",
  "funds_listed",
  "funds_reporting",
  "funds_inflow",
  "funds_outflow",
  "funds_provisional",
  "funds_missing",
  "fund_rows",
] as const;

/** One fund row's (alias `row`) contribution to each summed column, in SUMMED's order. */
const contributions = (row: string): readonly string[] => [
  `${row}.aum_usd`,
  `${row}.net_flow_usd`,
  `COALESCE(${row}.flow_effect_usd, 0)`,
  `${row}.market_effect_usd`,
  `${row}.other_effect_usd`,
  `${row}.fee_effect_usd`,
  `${row}.income_effect_usd`,
  `${row}.distribution_effect_usd`,
  `${row}.cumulative_flow_usd`,
  `COALESCE(ABS(${row}.net_flow_usd), 0)`,
  `${row}.state <> 'not_listed'`,
  `${row}.net_flow_usd IS NOT NULL`,
  `COALESCE(${row}.net_flow_usd > 0, 0)`,
  `COALESCE(${row}.net_flow_usd < 0, 0)`,
  `${row}.state = 'provisional'`,
  `${row}.state = 'missing'`,
  "1",
];
const CONTRIBUTIONS = contributions("d");

/**
 * What replacing stored row `o` (NULL when there is none) by new row `n` adds to each summed column.
 * The net flow stays NULL while no row reports one, as applyDifference expects of a new group day.
 */
const REPLACEMENT_TERMS: readonly string[] = SUMMED.map((column, index) =>
  column === "net_flow_usd"
    ? "CASE WHEN o.fund IS NULL THEN n.net_flow_usd ELSE COALESCE(n.net_flow_usd, 0) - COALESCE(o.net_flow_usd, 0) END"
    : `(${contributions("n")[index]}) - CASE WHEN o.fund IS NULL THEN 0 ELSE (${contributions("o")[index]}) END`,
);

/** A day's net flow is NULL while no fund of the group reports one, as SUM over no values is. */
const APPLY_DIFFERENCE = SUMMED.map((column) =>
  column === "net_flow_usd"
    ? `net_flow_usd = CASE WHEN funds_reporting + excluded.funds_reporting = 0 THEN NULL
         ELSE COALESCE(net_flow_usd, 0) + COALESCE(excluded.net_flow_usd, 0) END`
    : `${column} = ${column} + excluded.${column}`,
).join(", ");

/** A fund whose stored rows in `replaced` a round replaces; `groups` are the fund's groups. */
export interface ReplacedRows {
  fund: string;
  replaced: ReplacedDays;
  groups: readonly Group[];
  /** The last of the new rows, which run from replaced.from without a gap; null when none. */
  lastNewDay: string | null;
}

/**
 * The rows being replaced, of every fund of a round (`replaced`), those of them no new row takes
 * the place of (`orphans`), and each fund's groups (`fund_groups`): ?1 binds the funds' [fund,
 * from, before, [[by, key], …], lastNewDay]. Primary-key ranges per fund, never a scan; the
 * groups' JSON is read once per fund, not once per row.
 */
const REPLACED = `WITH jobs AS (
    SELECT value ->> 0 AS fund, value ->> 1 AS from_date, value ->> 2 AS before, value -> 3 AS groups,
      COALESCE(value ->> 4, '') AS last_new FROM json_each(?1)),
  fund_groups AS MATERIALIZED (
    SELECT j.fund, g.value ->> 0 AS by, g.value ->> 1 AS key FROM jobs j CROSS JOIN json_each(j.groups) g),
  replaced AS (
    SELECT d.* FROM jobs j CROSS JOIN fund_days d ON d.fund = j.fund AND d.date >= j.from_date
    UNION ALL
    SELECT d.* FROM jobs j CROSS JOIN fund_days d ON d.fund = j.fund AND d.date < j.before),
  orphans AS (
    SELECT d.* FROM jobs j CROSS JOIN fund_days d ON d.fund = j.fund AND d.date >= j.from_date AND d.date > j.last_new
    UNION ALL
    SELECT d.* FROM jobs j CROSS JOIN fund_days d ON d.fund = j.fund AND d.date < j.before)`;

function replacedParameter(funds: readonly ReplacedRows[]): string {
  return JSON.stringify(
    funds.map(({ fund, replaced, groups, lastNewDay }) => [
      fund,
      replaced.from,
      replaced.before,
      groups.map((group) => [group.by, group.key]),
      lastNewDay,
    ]),
  );
}

/** Adds each term row's (alias t: fund, date, SUMMED) values to each group of its fund. */
const ADD_TO_GROUPS = `INSERT INTO aggregate_days (group_by, group_key, date, ${SUMMED.join(", ")})
  SELECT g.by, g.key, t.date, ${SUMMED.map((column) => `t.${column}`).join(", ")}
  FROM terms t CROSS JOIN fund_groups g ON g.fund = t.fund
  WHERE true
  ON CONFLICT (group_by, group_key, date) DO UPDATE SET ${APPLY_DIFFERENCE}`;

/**
 * The groups' sums moved by replacing the funds' stored rows with the new rows of one fundDaysJson
 * parameter (?2): each new row adds what it differs from the stored row of its day. Run before the
 * stored rows are deleted. A row's terms are computed once, then added to each of its fund's groups;
 * rows of one group and day simply update it in turn (summing them first costs more than it saves).
 */
export function replacementDifferenceStatement(
  db: D1Database,
  funds: readonly ReplacedRows[],
  newRows: string,
): D1PreparedStatement {
  const terms = REPLACEMENT_TERMS.map((term, index) => `${term} AS ${SUMMED[index]}`);
  return db
    .prepare(
      `${REPLACED},
       terms AS MATERIALIZED (
         SELECT n.fund, n.date, ${terms.join(", ")}
         FROM ${fundDaysFromJson("?2")} n LEFT JOIN fund_days o ON o.fund = n.fund AND o.date = n.date)
       ${ADD_TO_GROUPS}`,
    )
    .bind(replacedParameter(funds), newRows);
}

/**
 * The groups' sums less the stored rows no new row replaces (days past the new report date, or
 * before a later first day). Run before the stored rows are deleted.
 */
export function orphanDifferenceStatement(
  db: D1Database,
  funds: readonly ReplacedRows[],
): D1PreparedStatement {
  const terms = CONTRIBUTIONS.map((term, index) => `-(${term}) AS ${SUMMED[index]}`);
  return db
    .prepare(
      `${REPLACED},
       terms AS MATERIALIZED (SELECT d.fund, d.date, ${terms.join(", ")} FROM orphans d)
       ${ADD_TO_GROUPS}`,
    )
    .bind(replacedParameter(funds));
}

/** Removes the funds' stored rows in their replaced days. */
export function deleteReplacedStatement(db: D1Database, funds: readonly ReplacedRows[]): D1PreparedStatement {
  return db
    .prepare(`${REPLACED} DELETE FROM fund_days WHERE (fund, date) IN (SELECT fund, date FROM replaced)`)
    .bind(replacedParameter(funds));
}

/** Days whose last fund row was subtracted: a full re-sum would not have them. */
export function dropEmptyDaysStatement(db: D1Database): D1PreparedStatement {
  return db.prepare("DELETE FROM aggregate_days WHERE fund_rows = 0");
}

/**
 * Marks the sums stale from the earliest day a bulk round changes: its first new row, or the first
 * old row it removes (read before the removal, in the same transaction).
 */
export function markStaleStatement(
  db: D1Database,
  funds: readonly ReplacedRows[],
  firstNewDay: string | null,
): D1PreparedStatement {
  return db
    .prepare(`${REPLACED} ${markSumsStale("SELECT ?2 UNION ALL SELECT MIN(date) FROM replaced")}`)
    .bind(replacedParameter(funds), firstNewDay);
}

const GROUP_KEYS = [
  ["total", "'all'"],
  ["asset", "asset"],
  ["issuer", "issuer"],
  ["country", "country"],
  ["vehicle", "vehicle"],
] as const;

/**
 * Every group's days in [from, to) re-summed in one statement: fund rows are summed once per
 * combination of asset, issuer, country and vehicle, then those partial sums per group. CROSS JOIN
 * keeps funds as the outer loop, so each fund's days are one range of fund_days' primary key.
 */
export function resumSliceStatements(db: D1Database, from: string, to: string): D1PreparedStatement[] {
  const partial = SUMMED.map((column) => `SUM(${column}) AS ${column}`).join(", ");
  const rollups = GROUP_KEYS.map(
    ([by, key]) =>
      `SELECT '${by}', ${key}, date, ${SUMMED.map((column) =>
        column === "net_flow_usd" ? `SUM(${column})` : `COALESCE(SUM(${column}), 0)`,
      ).join(", ")}
       FROM base ${key === "'all'" ? "" : `WHERE ${key} IS NOT NULL `}GROUP BY ${key === "'all'" ? "" : `${key}, `}date`,
  );
  return [
    db.prepare("DELETE FROM aggregate_days WHERE date >= ?1 AND date < ?2").bind(from, to),
    db
      .prepare(
        `WITH rows AS (
           SELECT f.asset, f.issuer, f.country, f.vehicle, d.date, ${CONTRIBUTIONS.map((term, index) => `${term} AS ${SUMMED[index]}`).join(", ")}
           FROM funds f CROSS JOIN fund_days d ON d.fund = f.ticker AND d.date >= ?1 AND d.date < ?2),
         base AS MATERIALIZED (
           SELECT asset, issuer, country, vehicle, date, ${partial}
           FROM rows GROUP BY asset, issuer, country, vehicle, date)
         INSERT INTO aggregate_days (group_by, group_key, date, ${SUMMED.join(", ")})
         ${rollups.join(" UNION ALL ")}`,
      )
      .bind(from, to),
  ];
}

/** Every group that exists today: total plus each asset, issuer, country and vehicle with a fund. */
export async function allGroups(db: D1Database): Promise<Group[]> {
  const { results } = await db
    .prepare(
      `SELECT 'total' AS by, 'all' AS key UNION SELECT 'asset', asset FROM funds
       UNION SELECT 'issuer', issuer FROM funds WHERE issuer IS NOT NULL
       UNION SELECT 'country', country FROM funds UNION SELECT 'vehicle', vehicle FROM funds WHERE vehicle IS NOT NULL`,
    )
    .all<Group>();
  return results;
}
