// Builds the engine's view of funds from the ledger: for each date, the latest value of the
// highest-ranked source; optionally only what was known at a past moment (as_of). A recompute that
// resumes mid-history loads only the facts it will read, for a whole round of funds in one batch.
import { calendarOf, isTradingDay } from "../../shared/calendar.ts";
import { PRICE_SCALE, parseDecimal } from "../../shared/decimal.ts";
import type { FlowStatus, Fund } from "../../shared/domain.ts";
import type {
  Distribution,
  FeeChange,
  FeeWaiver,
  FlowFact,
  FundLedger,
  HoldingsMark,
  SeedFact,
  StakingReward,
  TransferFact,
} from "../../shared/engine/types.ts";

/** `since` that loads a whole history. */
export const ALL_OF_IT = "0000-01-01";

interface Ranked {
  subject: string;
  date: string;
  rank: number;
}

/** A fact counts "as of" a moment once the public saw it: when observed, else when recorded. */
export const KNOWN_AT = (alias: string) => `COALESCE(${alias}.observed_at, ${alias}.recorded_at)`;

/**
 * Flows: a withdrawn figure is no figure, and a final figure beats a provisional one whatever the
 * sources' ranks (a placeholder of the top source must not hide another source's real number).
 */
export const FLOW_CHOICE = { present: "c.status <> 'withdrawn'", preference: "(c.status = 'provisional')" };

/**
 * The latest value of each (subject, date, source), ranked, as of ?2 (an ISO timestamp, or NULL for
 * now). ?1 is a JSON array of [subject, since] pairs: each subject's dates from `since` on, plus its
 * first date, which says where its history starts (all a roll resumed on `since` reads).
 */
function rankedLatest(
  table: string,
  subjectColumn: string,
  valueColumns: readonly string[],
  choice: { present: string; preference: string } = { present: "true", preference: "" },
): string {
  const rows = (dates: string) =>
    `SELECT t.id, t.${subjectColumn} AS subject, t.date, t.source, ${valueColumns.map((column) => `t.${column}`).join(", ")}
     FROM json_each(?1) w CROSS JOIN ${table} t ON t.${subjectColumn} = w.value ->> 0 AND ${dates}`;
  return `SELECT c.subject, c.date, ${valueColumns.map((column) => `c.${column}`).join(", ")},
      COALESCE(r.rank, 1000000) AS rank, c.source
    FROM (${rows("t.date >= w.value ->> 1")}
      UNION ALL
      ${rows(`t.date < w.value ->> 1
        AND t.date = (SELECT MIN(date) FROM ${table} m WHERE m.${subjectColumn} = w.value ->> 0)`)}) c
    LEFT JOIN source_ranks r ON r.subject = c.subject AND r.source = c.source
    WHERE c.id = (SELECT MAX(id) FROM ${table} l
      WHERE l.${subjectColumn} = c.subject AND l.date = c.date AND l.source = c.source
        AND (?2 IS NULL OR ${KNOWN_AT("l")} <= ?2))
      AND ${choice.present}
    ORDER BY c.subject, c.date, ${choice.preference ? `${choice.preference}, ` : ""}rank, c.source`;
}

/**
 * The corporate actions the roll reads (transfers in or out, seeds, fee changes) of each subject of ?1,
 * the latest report of each key as of ?2, rows in id order.
 */
const EVENTS = `SELECT w.value ->> 0 AS subject, t.type, t.date, t.from_fund, t.to_fund, t.units, t.usd, t.fee_bps,
    t.waiver
  FROM json_each(?1) w CROSS JOIN corporate_actions t
    ON (t.type IN ('transfer', 'seed', 'fee_change', 'staking_reward', 'distribution') AND t.from_fund = w.value ->> 0)
      OR (t.type = 'transfer' AND t.to_fund = w.value ->> 0)
  WHERE t.id = (SELECT MAX(id) FROM corporate_actions l WHERE l.type = t.type AND l.date = t.date
    AND l.from_fund = t.from_fund AND l.to_fund = t.to_fund AND l.source = t.source
    AND (?2 IS NULL OR ${KNOWN_AT("l")} <= ?2))
  ORDER BY subject, t.date, t.id`;

/** The winner of each (subject, date): rows come ordered by date then rank, so the first wins. */
function winnersBySubject<Row extends Ranked>(rows: readonly Row[]): Map<string, Row[]> {
  const chosen = new Map<string, Row[]>();
  for (const row of rows) {
    const kept = chosen.get(row.subject) ?? [];
    if (kept.length === 0) chosen.set(row.subject, kept);
    if (kept.at(-1)?.date !== row.date) kept.push(row);
  }
  return chosen;
}

function exact(text: string, scale: number): bigint {
  const value = parseDecimal(text, scale);
  if (typeof value === "string") throw new Error(`ledger value ${text} unreadable: ${value}`);
  return value;
}

export async function loadAssetPrices(db: D1Database, asset: string, asOf: string | null = null) {
  const { results } = await db
    .prepare(rankedLatest("price_marks", "asset", ["close_usd"]))
    .bind(JSON.stringify([[asset, ALL_OF_IT]]), asOf)
    .all<Ranked & { close_usd: string }>();
  const marks = winnersBySubject(results).get(asset) ?? [];
  return new Map(marks.map((row) => [row.date, exact(row.close_usd, PRICE_SCALE)]));
}

/** The isolate's copy of each asset's current prices, with the stamp of the ledger it was read from. */
const currentPrices = new Map<string, { stamp: string; prices: ReadonlyMap<string, bigint> }>();

/**
 * An asset's current prices, read again only when a price mark was recorded or the asset's source
 * ranking changed since this isolate last read them: every recompute needs the whole series (a
 * carried close may come from any earlier day), and it rarely changes between two writes.
 */
export async function loadCurrentAssetPrices(db: D1Database, asset: string) {
  const stamp = await db
    .prepare(
      `SELECT (SELECT MAX(id) FROM price_marks) || '|' ||
         COALESCE((SELECT group_concat(source || ':' || rank, ',') FROM source_ranks WHERE subject = ?1), '')
         AS stamp`,
    )
    .bind(asset)
    .first<string>("stamp");
  const kept = currentPrices.get(asset);
  if (kept && stamp !== null && kept.stamp === stamp) return kept.prices;
  const prices = await loadAssetPrices(db, asset);
  if (stamp !== null) currentPrices.set(asset, { stamp, prices });
  return prices;
}

export interface LedgerRequest {
  fund: Fund;
  decimals: number;
  prices: ReadonlyMap<string, bigint>;
  /** Facts dated before this (other than each kind's first) are left out: ALL_OF_IT for none. */
  since: string;
}

type FlowRow = Ranked & {
  net_flow_usd: string;
  units: string | null;
  status: Exclude<FlowStatus, "withdrawn">;
};
type UnitsRow = Ranked & { units: string };
type EventRow = {
  subject: string;
  type: "transfer" | "seed" | "fee_change" | "staking_reward" | "distribution";
  date: string;
  from_fund: string;
  to_fund: string;
  units: string | null;
  usd: string | null;
  fee_bps: string | null;
  waiver: string | null;
};

/** The ledgers of several funds in one batch of three queries, by ticker. */
export async function loadLedgers(
  db: D1Database,
  requests: readonly LedgerRequest[],
  asOf: string | null = null,
): Promise<Map<string, FundLedger>> {
  const wanted = JSON.stringify(requests.map((request) => [request.fund.ticker, request.since]));
  // Seeds and fee changes are few and their effect reaches back to listing: they are read whole.
  const everything = JSON.stringify(requests.map((request) => [request.fund.ticker, ALL_OF_IT]));
  const [flows, holdings, events] = await db.batch<Record<string, unknown>>([
    db
      .prepare(rankedLatest("flows", "fund", ["net_flow_usd", "units", "status"], FLOW_CHOICE))
      .bind(wanted, asOf),
    db.prepare(rankedLatest("holdings_marks", "fund", ["units"])).bind(wanted, asOf),
    db.prepare(EVENTS).bind(everything, asOf),
  ]);
  const flowsBy = winnersBySubject((flows?.results ?? []) as unknown as FlowRow[]);
  const holdingsBy = winnersBySubject((holdings?.results ?? []) as unknown as UnitsRow[]);
  const eventsBy = latestPerEvent((events?.results ?? []) as unknown as EventRow[]);
  const ledgers = new Map<string, FundLedger>();
  for (const { fund, decimals, prices } of requests) {
    const ticker = fund.ticker;
    ledgers.set(ticker, {
      fund,
      decimals,
      prices,
      flows: (flowsBy.get(ticker) ?? []).map(
        (row): FlowFact => ({
          date: row.date,
          netFlowUsd: exact(row.net_flow_usd, 2),
          units: row.units === null ? null : exact(row.units, decimals),
          status: row.status,
        }),
      ),
      holdings: (holdingsBy.get(ticker) ?? []).map(
        (row): HoldingsMark => ({ date: row.date, units: exact(row.units, decimals) }),
      ),
      ...eventFacts(eventsBy.get(ticker) ?? [], ticker, decimals),
      isTradingDay: (date) => isTradingDayOrWeekday(calendarOf(fund) ?? "XNYS", date),
    });
  }
  return ledgers;
}

/** One fund's whole ledger (as known at `asOf`, if given). */
export async function loadFundLedger(
  db: D1Database,
  fund: Fund,
  decimals: number,
  prices: ReadonlyMap<string, bigint>,
  asOf: string | null = null,
): Promise<FundLedger> {
  const ledgers = await loadLedgers(db, [{ fund, decimals, prices, since: ALL_OF_IT }], asOf);
  return ledgers.get(fund.ticker) as FundLedger;
}

/** Several sources may report one action; the latest report of it stands (rows come in id order). */
function latestPerEvent(rows: readonly EventRow[]): Map<string, EventRow[]> {
  const latest = new Map<string, Map<string, EventRow>>();
  for (const row of rows) {
    const bySubject = latest.get(row.subject) ?? new Map<string, EventRow>();
    latest.set(row.subject, bySubject);
    bySubject.set(`${row.type}|${row.date}|${row.from_fund}|${row.to_fund}`, row);
  }
  return new Map([...latest].map(([subject, byKey]) => [subject, [...byKey.values()]]));
}

/**
 * A fund's corporate actions as the engine reads them: transfers (signed), its seed (the one dated
 * latest, should a source restate the date), fee changes with their waivers, staking rewards and
 * distributions.
 */
function eventFacts(rows: readonly EventRow[], ticker: string, decimals: number) {
  const facts = {
    transfers: [] as TransferFact[],
    feeChanges: [] as FeeChange[],
    stakingRewards: [] as StakingReward[],
    distributions: [] as Distribution[],
    seed: null as SeedFact | null,
  };
  const coins = (text: string | null) => (text === null ? null : exact(text, decimals));
  const cents = (text: string | null) => (text === null ? null : exact(text, 2));
  for (const row of rows) {
    const { date } = row;
    if (row.type === "transfer") {
      const units = coins(row.units) ?? 0n;
      facts.transfers.push({ date, units: row.from_fund === ticker ? -units : units });
    } else if (row.type === "seed") facts.seed = { date, usd: cents(row.usd) ?? 0n };
    else if (row.type === "staking_reward")
      facts.stakingRewards.push({ date, units: coins(row.units) ?? 0n });
    else if (row.type === "distribution")
      facts.distributions.push({ date, usd: cents(row.usd), units: coins(row.units) });
    else if (row.fee_bps !== null)
      facts.feeChanges.push({ date, feeBps: Number(row.fee_bps), waiver: waiverOf(row.waiver) });
  }
  return facts;
}

function waiverOf(text: string | null): FeeWaiver | null {
  if (text === null) return null;
  const waiver = JSON.parse(text) as { fee_bps: number; until: string | null; up_to_usd: string | null };
  return {
    feeBps: waiver.fee_bps,
    until: waiver.until,
    upToUsd: waiver.up_to_usd === null ? null : exact(waiver.up_to_usd, 2),
  };
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
