// One fund's facts sorted by day number and read through a cursor that only moves forward: the
// engine visits days in order, so each fact is touched once and no per-day lookup is built.
import { toDayNumber } from "../dates.ts";
import type { TransferFact } from "./types.ts";

export interface DatedFacts<T> {
  readonly days: readonly number[];
  readonly facts: readonly T[];
}

function byDate(a: { date: string }, b: { date: string }): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

/**
 * Sorts facts by date. The ledger holds one winning value per fund-day, so a second fact on the
 * same date is a bug upstream; refusing it keeps the result independent of input order.
 */
export function indexByDay<T extends { date: string }>(facts: readonly T[], kind: string): DatedFacts<T> {
  const sorted = [...facts].sort(byDate);
  const days = sorted.map((fact) => toDayNumber(fact.date));
  for (let i = 1; i < days.length; i++) {
    if (days[i] === days[i - 1]) throw new RangeError(`two ${kind} on ${sorted[i]?.date}`);
  }
  return { days, facts: sorted };
}

/** Several corporate actions may move coins on one day: they add up. */
export function sumTransfersByDay(transfers: readonly TransferFact[]): DatedFacts<TransferFact> {
  const totals = new Map<string, bigint>();
  for (const { date, units } of transfers) totals.set(date, (totals.get(date) ?? 0n) + units);
  return indexByDay(
    Array.from(totals, ([date, units]) => ({ date, units })),
    "transfer totals",
  );
}

export class FactCursor<T> {
  private readonly days: readonly number[];
  private readonly facts: readonly T[];
  private next = 0;

  constructor(index: DatedFacts<T>, fromDay: number) {
    this.days = index.days;
    this.facts = index.facts;
    while (this.next < this.days.length && (this.days[this.next] as number) < fromDay) this.next++;
  }

  /** The fact dated `day`, if any. Days must be asked for in increasing order. */
  on(day: number): T | undefined {
    const days = this.days;
    while (this.next < days.length && (days[this.next] as number) < day) this.next++;
    if (days[this.next] !== day) return undefined;
    return this.facts[this.next++];
  }
}
