// The statements that store a round's recomputed rows: each fund's replaced rows swapped for the new
// ones and stamped, with their groups' sums corrected by difference or, in bulk, marked stale for one
// re-sum at the end. A handful of set-based statements, however many funds.
import { groupsOf } from "../../shared/engine/aggregate.ts";
import { fundDaysJson, insertFundDaysStatements, stampDaysVersionStatement } from "../db/fund-days.ts";
import {
  deleteReplacedStatement,
  dropEmptyDaysStatement,
  markStaleStatement,
  orphanDifferenceStatement,
  replacementDifferenceStatement,
} from "./aggregates.ts";
import type { FundRewrite } from "./fund.ts";

export function rewriteStatements(
  db: D1Database,
  rewrites: readonly FundRewrite[],
  bulk: boolean,
): D1PreparedStatement[] {
  const replacing = rewrites.flatMap(({ fund, replaced, rows }) =>
    replaced
      ? [
          {
            fund: fund.ticker,
            replaced,
            groups: bulk ? [] : groupsOf(fund),
            lastNewDay: rows.at(-1)?.date ?? null,
          },
        ]
      : [],
  );
  if (replacing.length === 0) return [];
  const rows = rewrites.flatMap((rewrite) => rewrite.rows);
  const newRows = fundDaysJson(rows);
  const replace = [
    deleteReplacedStatement(db, replacing),
    ...insertFundDaysStatements(db, newRows),
    stampDaysVersionStatement(
      db,
      replacing.map(({ fund }) => fund),
    ),
  ];
  if (bulk) {
    const firstNewDay = rows.reduce<string | null>(
      (first, row) => (first === null || row.date < first ? row.date : first),
      null,
    );
    return [markStaleStatement(db, replacing, firstNewDay), ...replace];
  }
  return [
    ...newRows.map((json) => replacementDifferenceStatement(db, replacing, json)),
    orphanDifferenceStatement(db, replacing),
    ...replace,
    dropEmptyDaysStatement(db),
  ];
}
