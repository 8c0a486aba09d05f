// Each fund's ISO weeks as SHA-256 digests of their rows: what a weekly report's fingerprint is made
// of (incremental.ts). A fund's digests are computed once per version of its rows and kept with them
// in the history cache (history-cache.ts), so a build of a thousand funds' ten years hashes the weeks
// of the funds whose rows moved, not half a million fund-weeks every time.
import { createHash } from "node:crypto";
import { fromDayNumber, isoWeekStart, toDayNumber } from "../../../shared/dates.ts";
import type { FundHistory } from "./history.ts";

export interface WeekDigests {
  /** The day number of the Monday of the fund's first row's week. */
  firstMonday: number;
  /** 32 bytes per week from firstMonday on: the digest of the rows in it. */
  digests: Uint8Array;
}

const DIGEST_BYTES = 32;

/** The fund's week digests: those kept with its rows, else computed now (once per history). */
export function weekDigests(history: FundHistory & { weeks?: WeekDigests }): WeekDigests {
  if (history.weeks) return history.weeks;
  let found = computed.get(history);
  if (!found) {
    found = computeWeekDigests(history);
    computed.set(history, found);
  }
  return found;
}

const computed = new WeakMap<FundHistory, WeekDigests>();

/** The digest of the fund's rows in the ISO week starting on day `monday`; undefined if it has none. */
export function weekDigest(history: FundHistory, monday: number): Uint8Array | undefined {
  const { firstMonday, digests } = weekDigests(history);
  const week = (monday - firstMonday) / 7;
  if (!Number.isInteger(week) || week < 0 || (week + 1) * DIGEST_BYTES > digests.length) return undefined;
  return digests.subarray(week * DIGEST_BYTES, (week + 1) * DIGEST_BYTES);
}

/**
 * The fund's rows [from, to) in the ISO week starting on day `monday`; undefined if it has none.
 * Rows are one per calendar day, oldest first (history.ts): row i is day day[0] + i.
 */
export function weekRows(history: FundHistory, monday: number): [number, number] | undefined {
  const first = history.day[0];
  if (first === undefined) return undefined;
  const from = Math.max(0, monday - first);
  const to = Math.min(history.length, monday + 7 - first);
  return from < to ? [from, to] : undefined;
}

export function computeWeekDigests(history: FundHistory): WeekDigests {
  const first = history.day[0];
  if (first === undefined) return { firstMonday: 0, digests: new Uint8Array(0) };
  const firstMonday = toDayNumber(isoWeekStart(fromDayNumber(first)));
  const weeks = Math.ceil((first + history.length - firstMonday) / 7);
  const digests = new Uint8Array(weeks * DIGEST_BYTES);
  for (let week = 0; week < weeks; week++) {
    const [from, to] = weekRows(history, firstMonday + 7 * week) ?? [0, 0];
    digests.set(
      createHash("sha256")
        .update(rowBytes(history, from, to))
        .digest(),
      week * DIGEST_BYTES,
    );
  }
  return { firstMonday, digests };
}

const FLOAT_COLUMNS = [
  "aum",
  "flow",
  "market",
  "other",
  "fee",
  "income",
  "distribution",
  "cumulative",
  "units",
  "price",
] as const;
const WORDS_PER_DAY = 2 + 2 * FLOAT_COLUMNS.length;
const floatWords = new WeakMap<FundHistory, (Uint32Array | null)[]>();
let scratch = new Uint32Array(7 * WORDS_PER_DAY);

/**
 * Every column of a fund's rows [from, to) (its day, state, price staleness and every figure) as
 * bytes: all any slice of those days is made from. Copied into one buffer, because a week is a few
 * rows of many columns and a thousand funds' weeks are many small pieces. A column the history has
 * not (no income on any day) reads as zeros, as its slices do.
 */
function rowBytes(history: FundHistory, from: number, to: number): Uint8Array {
  let columns = floatWords.get(history);
  if (!columns) {
    columns = FLOAT_COLUMNS.map((name) => {
      const column = history[name];
      return column ? new Uint32Array(column.buffer, column.byteOffset, column.length * 2) : null;
    });
    floatWords.set(history, columns);
  }
  if (scratch.length < (to - from) * WORDS_PER_DAY) scratch = new Uint32Array((to - from) * WORDS_PER_DAY);
  let k = 0;
  for (let i = from; i < to; i++) {
    scratch[k++] = (history.day[i] ?? 0) >>> 0;
    scratch[k++] = (history.state[i] ?? 0) | ((history.priceStale[i] ?? 0) << 8);
    for (const words of columns) {
      scratch[k++] = words?.[2 * i] ?? 0;
      scratch[k++] = words?.[2 * i + 1] ?? 0;
    }
  }
  return new Uint8Array(scratch.buffer, 0, k * 4);
}
