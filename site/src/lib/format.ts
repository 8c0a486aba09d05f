// Numbers and dates as people read them: $52.3B, +$1.2B, −$95.1M, 11 Jan 2024.
// A real minus sign (U+2212) reads better than a hyphen and screen readers say "minus".
import type { DayState } from "../../../shared/domain.ts";

// A word joiner after the minus keeps "−$95.1M" on one line.
const MINUS = "\u2212\u2060";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** A decimal string from the API as a number, for display and charts only (never for sums of record). */
export function num(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/** Magnitude only: 52_300_000_000 → "$52.3B". */
function compactUsd(magnitude: number): string {
  for (const [size, suffix] of UNITS) {
    if (magnitude >= size * 0.9995) {
      const scaled = magnitude / size;
      return `$${scaled >= 100 ? scaled.toFixed(0) : scaled.toFixed(1)}${suffix}`;
    }
  }
  return `$${magnitude.toFixed(0)}`;
}

/** A level such as AUM: "$52.3B"; "—" when there is no figure. */
export function usd(value: number | null): string {
  if (value === null) return "—";
  return value < 0 ? `${MINUS}${compactUsd(-value)}` : compactUsd(value);
}

/** A change or a flow, always signed: "+$1.2B", "−$95.1M", "$0". */
export function signedUsd(value: number | null): string {
  if (value === null) return "—";
  const text = compactUsd(Math.abs(value));
  if (text === "$0" || text === "$0.0K") return "$0";
  return value < 0 ? `${MINUS}${text}` : `+${text}`;
}

/** A whole amount for tables of record: "$111,700,000". */
// Formatters made once: toLocaleString builds a new one on every call, which a thousand fund pages feel.
const WHOLE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const TWO_DECIMALS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const UP_TO_TWO = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function fullUsd(value: number | null): string {
  if (value === null) return "—";
  const text = `$${WHOLE.format(Math.abs(value))}`;
  return value < 0 ? `${MINUS}${text}` : text;
}

export function price(value: number | null): string {
  if (value === null) return "—";
  return `$${TWO_DECIMALS.format(value)}`;
}

/** Coins held: "617,449.51 BTC" (two decimals is plenty for reading; the data files keep all of them). */
export function coins(value: number | null, symbol: string): string {
  if (value === null) return "—";
  return `${(value >= 100 ? WHOLE : UP_TO_TWO).format(value)} ${symbol}`;
}

/** A share 0..1 as "12.3%". */
export function share(value: number | null, digits = 1): string {
  if (value === null) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

/** A rate 0..1 as a signed percentage: "+9.9%", "−0.6%". */
export function signedPercent(value: number | null, digits = 1): string {
  if (value === null) return "—";
  const text = `${Math.abs(value * 100).toFixed(digits)}%`;
  if (Number(text.slice(0, -1)) === 0) return text;
  return value < 0 ? `${MINUS}${text}` : `+${text}`;
}

export function count(value: number): string {
  return WHOLE.format(value);
}

/** "2024-01-11" → "11 Jan 2024" */
export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  const [year, month, day] = iso.split("-");
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

/** "11 Jan – 17 Jan 2024", or across years "30 Dec 2024 – 5 Jan 2025". */
export function dateRange(from: string, to: string): string {
  if (from === to) return date(from);
  if (from.slice(0, 4) !== to.slice(0, 4)) return `${date(from)} – ${date(to)}`;
  return `${date(from).slice(0, -5)} – ${date(to)}`;
}

/** "2024-01" → "January 2024" */
export function month(label: string): string {
  const [year, monthNumber] = label.split("-");
  return `${MONTH_NAMES[Number(monthNumber) - 1]} ${year}`;
}

/** "2024-W02" → "Week 2, 2024" */
export function week(label: string): string {
  const [year, weekNumber] = label.split("-W");
  return `Week ${Number(weekNumber)}, ${year}`;
}

/** What a day's state means to a reader; final days need no label. */
export const STATE_LABEL: Record<DayState, string> = {
  final: "final",
  provisional: "provisional",
  missing: "missing",
  holiday: "market closed",
  not_listed: "not listed",
};

export function streak(value: number): string {
  if (value === 0) return "no streak";
  const days = Math.abs(value);
  return `${days} ${value > 0 ? "inflow" : "outflow"} day${days === 1 ? "" : "s"} in a row`;
}

/** A streak in a table cell: "5 days in", "13 days out", "1 day in"; none: "—". */
export function streakShort(value: number): string {
  if (value === 0) return "—";
  const days = Math.abs(value);
  return `${days} day${days === 1 ? "" : "s"} ${value > 0 ? "in" : "out"}`;
}

export function plural(value: number, noun: string): string {
  return `${count(value)} ${noun}${value === 1 ? "" : "s"}`;
}

export const VEHICLE_LABEL: Record<string, string> = {
  spot_etf: "spot ETF",
  etp: "exchange-traded product",
  trust: "trust",
  fund: "fund",
};

/** Listing venues by ISO 10383 MIC; unknown codes show as themselves. */
const EXCHANGE_NAMES: Record<string, string> = {
  XNAS: "Nasdaq",
  ARCX: "NYSE Arca",
  BATS: "Cboe BZX",
  XNYS: "New York Stock Exchange",
  XTSE: "Toronto Stock Exchange",
  XETR: "Xetra",
  XSWX: "SIX Swiss Exchange",
  XLON: "London Stock Exchange",
  XHKG: "Hong Kong Stock Exchange",
};

export function exchange(mic: string | null): string {
  if (mic === null) return NOT_KNOWN_WORD;
  const name = EXCHANGE_NAMES[mic];
  return name ? `${name} (${mic})` : mic;
}

export function regime(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

// Metadata nobody has published is null. It is said to be not known, never filled in with a guess.

/** What "not known" means wherever it is shown (a tooltip, a footnote). */
export const NOT_KNOWN = "not known: nothing published was found";
/** The word in a sentence or a definition list. */
export const NOT_KNOWN_WORD = "Not known";

interface Named {
  ticker: string;
  name: string | null;
}

/** A fund's name, or that it has none on record. */
export function fundName(fund: Named): string {
  return fund.name ?? "Name not published";
}

/** "iShares Bitcoin Trust ETF (IBIT)", or "ETHB (name not published)". */
export function fundHeading(fund: Named): string {
  return fund.name === null ? `${fund.ticker} (name not published)` : `${fund.name} (${fund.ticker})`;
}

export function issuerName(issuer: string | null): string {
  return issuer ?? "Issuer not known";
}

/** "spot ETF"; null: "not known". */
export function vehicle(value: string | null): string {
  if (value === null) return "not known";
  return VEHICLE_LABEL[value] ?? value;
}

/** A sponsor fee in a table: "0.25%"; null: "—" (see NOT_KNOWN). */
export function fee(bps: number | null): string {
  return bps === null ? "—" : `${(bps / 100).toFixed(2)}%`;
}

/** A sponsor fee in words: "0.25% a year (25 basis points)"; null: "Not known". */
export function feeLong(bps: number | null): string {
  return bps === null ? NOT_KNOWN_WORD : `${fee(bps)} a year (${bps} basis point${bps === 1 ? "" : "s"})`;
}

/** A list of tickers for a sentence: "IBIT, FBTC", or "IBIT, FBTC, GBTC and 4 more". */
export function names(list: readonly string[], max = 3): string {
  if (list.length <= max + 1) return list.join(", ");
  return `${list.slice(0, max).join(", ")} and ${list.length - max} more`;
}

const MILLIONS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * A flow in US$ millions to one decimal, as Farside prints it: "0.0", "−$46.8M", "+$1,234.5M".
 * Zero stays "0.0", the publisher's placeholder, because that is how readers saw it.
 */
export function millions(value: number | null): string {
  if (value === null) return "–";
  const text = MILLIONS.format(Math.abs(value) / 1e6);
  if (text === "0.0") return "0.0";
  return `${value < 0 ? MINUS : "+"}$${text}M`;
}

/**
 * A moment as "13 Aug 02:30 UTC"; the year is added when it is not the year of `near` (the date the
 * moment is about), so a flow of 30 Dec seen on 2 Jan says which January.
 */
export function moment(timestamp: string, near?: string): string {
  const day = date(timestamp.slice(0, 10));
  const sameYear = near !== undefined && near.slice(0, 4) === timestamp.slice(0, 4);
  return `${sameYear ? day.slice(0, -5) : day} ${timestamp.slice(11, 16)} UTC`;
}

/** What a fund does with staking rewards, in words; undefined from an API that does not say. */
export const STAKING_LABEL: Record<string, string> = {
  none: "does not stake",
  retained: "stakes and keeps the rewards",
  distributed: "stakes and pays the rewards out",
  mixed: "stakes, keeping part of the rewards and paying out the rest",
};
