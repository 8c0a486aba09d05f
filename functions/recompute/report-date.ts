// The report date is the last day any fund has a flow on record. When it moves forward every fund
// needs rows for the new days, so all of them are queued from the day after the old one.
import { addDays } from "../../shared/dates.ts";
import { META, metaValue } from "../db/meta.ts";
import { queueRecompute } from "../ledger/write-protocol.ts";

/** The report date, stored and every fund queued when it moved; null while no fund has a flow. */
export async function extendToReportDate(db: D1Database): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT (SELECT MAX((SELECT date FROM flows WHERE fund = f.ticker ORDER BY date DESC LIMIT 1)) FROM funds f)
           AS latest,
         ${metaValue(META.reportDate)} AS stored`,
    )
    .first<{ latest: string | null; stored: string }>();
  const latest = row?.latest ?? null;
  const stored = row?.stored || null;
  if (latest === null || latest === stored) return latest;
  const from = stored && stored < latest ? addDays(stored, 1) : "0000-01-01";
  await db.batch([
    db.prepare(queueRecompute("SELECT ticker AS fund, ?1 AS date FROM funds")).bind(from),
    db.prepare(`UPDATE meta SET value = ? WHERE key = '${META.reportDate}'`).bind(latest),
  ]);
  return latest;
}
