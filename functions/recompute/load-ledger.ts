// Builds the engine's view of one fund from the ledger: for each date, the latest value of the
// highest-ranked source; optionally only what was known at a past moment (as_of).
import { isTradingDay } from "../../shared/calendar.ts";
import { PRICE_SCALE, parseDecimal } from "../../shared/decimal.ts";
import type { FlowStatus, Fund } from "../../shared/domain.ts";
import type { FlowFact, FundLedger, HoldingsMark, TransferFact } from "../../shared/engine/types.ts";

interface Ranked {
  date: string;
  rank: number;
}

/** Latest value per (date, source), ranked; ?1 = subject, ?2 = as_of or NULL. */
function rankedLatest(table: string, subjectColumn: string, valueColumns: string): string {
  return `SELECT t.date, ${valueColumns}, COALESCE(r.rank, 1000000) AS rank, t.source FROM ${table} t
    LEFT JOIN source_ranks r ON r.subject = t.${subjectColumn} AND r.source = t.source
    WHERE t.${subjectColumn} = ?1 AND t.id = (SELECT MAX(id) FROM ${table} l
      WHERE l.${subjectColumn} = t.${subjectColumn} AND l.date = t.date AND l.source = t.source
        AND (?2 IS NULL OR l.recorded_at <= ?2))
    ORDER BY t.date, rank, t.source`;
}

/** The winner of each date: rows come ordered by date then rank, so the first of a date wins. */
function winners<Row extends Ranked>(rows: readonly Row[]): Row[] {
  const chosen: Row[] = [];
  for (const row of rows) if (chosen.at(-1)?.date !== row.date) chosen.push(row);
  return chosen;
}

function exact(text: string, scale: number): bigint {
  const value = parseDecimal(text, scale);
  if (typeof value === "string") throw new Error(`ledger value ${text} unreadable: ${value}`);
  return value;
}

export async function loadAssetPrices(db: D1Database, asset: string, asOf: string | null = null) {
  const { results } = await db
    .prepare(rankedLatest("price_marks", "asset", "t.close_usd"))
    .bind(asset, asOf)
    .all<Ranked & { close_usd: string }>();
  return new Map(winners(results).map((row) => [row.date, exact(row.close_usd, PRICE_SCALE)]));
}

export async function loadFundLedger(
  db: D1Database,
  fund: Fund,
  decimals: number,
  prices: ReadonlyMap<string, bigint>,
  asOf: string | null = null,
): Promise<FundLedger> {
  const [flows, holdings, transfers] = await db.batch<Record<string, unknown>>([
    db.prepare(rankedLatest("flows", "fund", "t.net_flow_usd, t.units, t.status")).bind(fund.ticker, asOf),
    db.prepare(rankedLatest("holdings_marks", "fund", "t.units")).bind(fund.ticker, asOf),
    db
      .prepare(
        `SELECT t.date, t.from_fund, t.to_fund, t.units FROM corporate_actions t
         WHERE t.type = 'transfer' AND (t.from_fund = ?1 OR t.to_fund = ?1)
           AND t.id = (SELECT MAX(id) FROM corporate_actions l WHERE l.type = t.type AND l.date = t.date
             AND l.from_fund = t.from_fund AND l.to_fund = t.to_fund AND l.source = t.source
             AND (?2 IS NULL OR l.recorded_at <= ?2))
         ORDER BY t.date, t.id`,
      )
      .bind(fund.ticker, asOf),
  ]);
  type FlowRow = Ranked & { net_flow_usd: string; units: string | null; status: FlowStatus };
  type UnitsRow = Ranked & { units: string };
  type TransferRow = { date: string; from_fund: string; to_fund: string; units: string };
  return {
    fund,
    decimals,
    prices,
    flows: winners((flows?.results ?? []) as unknown as FlowRow[]).map(
      (row): FlowFact => ({
        date: row.date,
        netFlowUsd: exact(row.net_flow_usd, 2),
        units: row.units === null ? null : exact(row.units, decimals),
        status: row.status,
      }),
    ),
    holdings: winners((holdings?.results ?? []) as unknown as UnitsRow[]).map(
      (row): HoldingsMark => ({ date: row.date, units: exact(row.units, decimals) }),
    ),
    transfers: latestPerTransfer((transfers?.results ?? []) as unknown as TransferRow[]).map(
      (row): TransferFact => ({
        date: row.date,
        units: row.from_fund === fund.ticker ? -exact(row.units, decimals) : exact(row.units, decimals),
      }),
    ),
    isTradingDay: (date) => isTradingDayOrWeekday(fund.exchange, date),
  };
}

/** Several sources may report one transfer; the latest report of it stands (rows come in id order). */
function latestPerTransfer<Row extends { date: string; from_fund: string; to_fund: string }>(
  rows: Row[],
): Row[] {
  return [...new Map(rows.map((row) => [`${row.date}|${row.from_fund}|${row.to_fund}`, row])).values()];
}

/** Outside the calendar's years (2001–2035) the engine still needs an answer: weekdays trade. */
function isTradingDayOrWeekday(exchange: string, date: string): boolean {
  try {
    return isTradingDay(exchange, date);
  } catch {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}
