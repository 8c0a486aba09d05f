// The close used for each day of a roll. A day without a mark carries the latest earlier mark;
// a day before the asset's first mark borrows that first mark. Both are flagged stale.

export class PricePath {
  /** Close of the day last moved to, scale 8; null only when the asset has no mark at all. */
  price: bigint | null = null;
  stale = false;
  private readonly marks: ReadonlyMap<string, bigint>;
  private carried: bigint | null;

  /** One pass over the marks finds what a roll starting on `startDate` carries in. */
  constructor(marks: ReadonlyMap<string, bigint>, startDate: string) {
    this.marks = marks;
    let latestBefore: string | undefined;
    let earliestFrom: string | undefined;
    for (const date of marks.keys()) {
      if (date < startDate) {
        if (latestBefore === undefined || date > latestBefore) latestBefore = date;
      } else if (earliestFrom === undefined || date < earliestFrom) {
        earliestFrom = date;
      }
    }
    const carriedDate = latestBefore ?? earliestFrom;
    this.carried = carriedDate === undefined ? null : (marks.get(carriedDate) ?? null);
  }

  /** Moves to `date`; dates must come in increasing order. */
  moveTo(date: string): void {
    const mark = this.marks.get(date);
    if (mark === undefined) {
      this.price = this.carried;
      this.stale = this.carried !== null;
    } else {
      this.price = mark;
      this.stale = false;
      this.carried = mark;
    }
  }
}

/** The asset's first mark date, or null when it has none. */
export function firstMarkDate(marks: ReadonlyMap<string, bigint>): string | null {
  let first: string | null = null;
  for (const date of marks.keys()) if (first === null || date < first) first = date;
  return first;
}
