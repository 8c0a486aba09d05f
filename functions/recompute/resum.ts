// The bulk re-sum of group sums marked stale (by a bulk round, a fund that changed groups, a rebuild
// or a restore): every group re-summed from fund_days, a date slice per transaction, from the mark on.
import { addDays, laterDate } from "../../shared/dates.ts";
import { type Group, groupId } from "../../shared/engine/aggregate.ts";
import { META, metaValue } from "../db/meta.ts";
import type { QueryBudget } from "../db/query-budget.ts";
import { allGroups, resumSliceStatements } from "./aggregates.ts";
import { type Lease, leaseGuard } from "./lease.ts";

/** Fund rows per re-sum statement: bounds each statement's time and memory in D1. */
const FUND_ROWS_PER_SLICE = 500_000;

/**
 * Re-sums every group from the stale mark on, one date slice per transaction, moving the mark past
 * each slice so a crash resumes where it stopped. "queued" when a fund was queued meanwhile (its
 * rows must be recomputed first); "current" when nothing was stale.
 */
export async function resumStaleGroupSums(
  db: D1Database,
  lease: Lease,
  budget: QueryBudget,
): Promise<"queued" | "current" | "resummed" | "stopped"> {
  let outcome: "current" | "resummed" = "current";
  for (;;) {
    const mark = await db
      .prepare(
        `SELECT ${metaValue(META.aggregatesStaleFrom)} AS stale,
           EXISTS (SELECT 1 FROM recompute_queue) AS queued`,
      )
      .first<{ stale: string; queued: number }>();
    if (!mark || mark.queued) return "queued";
    if (mark.stale === "") return outcome;
    outcome = "resummed";
    const state = await db
      .prepare(
        `SELECT ?1 AS stale, (SELECT COUNT(*) FROM funds) AS funds,
           (SELECT MIN((SELECT date FROM fund_days WHERE fund = f.ticker ORDER BY date LIMIT 1)) FROM funds f) AS first,
           (SELECT MAX((SELECT date FROM fund_days WHERE fund = f.ticker ORDER BY date DESC LIMIT 1)) FROM funds f)
             AS last`,
      )
      .bind(mark.stale)
      .first<{ stale: string; funds: number; first: string | null; last: string | null }>();
    if (!state) return "queued";
    const days = Math.min(3660, Math.max(31, Math.floor(FUND_ROWS_PER_SLICE / Math.max(1, state.funds))));
    const bounds = sliceBounds(state.stale, state.first, state.last, days);
    for (const [index, from] of bounds.slice(0, -1).entries()) {
      if (!budget.allows()) return "stopped";
      const to = bounds[index + 1] as string;
      const next = index + 2 < bounds.length ? to : "";
      await budget.step(() =>
        db.batch([
          leaseGuard(db, lease),
          ...resumSliceStatements(db, from, to),
          db
            .prepare(`UPDATE meta SET value = ?2 WHERE key = '${META.aggregatesStaleFrom}' AND value = ?1`)
            .bind(from, next),
        ]),
      );
    }
  }
}

/** [stale, …, "9999-12-31"]: slices of `days` over the fund rows, the first and last open-ended. */
function sliceBounds(stale: string, first: string | null, last: string | null, days: number): string[] {
  const bounds = [stale];
  if (first === null || last === null) return [...bounds, "9999-12-31"];
  for (let day = addDays(laterDate(stale, first), days); day <= last; day = addDays(day, days)) {
    bounds.push(day);
  }
  return [...bounds, "9999-12-31"];
}

/** Groups left without funds (an issuer renamed, say) keep no stale rows. */
export async function refreshStaleGroups(db: D1Database): Promise<void> {
  const live = new Set((await allGroups(db)).map(groupId));
  const { results } = await db
    .prepare("SELECT DISTINCT group_by AS by, group_key AS key FROM aggregate_days")
    .all<Group>();
  const stale = results.filter((group) => !live.has(groupId(group)));
  if (stale.length === 0) return;
  await db.batch(
    stale.map((group) =>
      db.prepare("DELETE FROM aggregate_days WHERE group_by = ? AND group_key = ?").bind(group.by, group.key),
    ),
  );
}
