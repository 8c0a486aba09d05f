// What explains a trend: the events the charts annotate, each with where it is from. Corporate actions
// come from the API's revision log (spin-offs, ticker and fee changes, distributions), listings from the
// funds' own listing dates (with the flow publisher's seed row as the source where there is one), and
// record days from the flows themselves. Each becomes a numbered note under the chart it marks.
import type { FundSummary, RevisionRow } from "../../../shared/export.ts";
import type { Note } from "./figures.ts";
import * as f from "./format.ts";
import { subjectOf } from "./history.ts";
import type { Model } from "./model.ts";
import { sourceName } from "./sources.ts";

export interface FundEvent {
  type: string;
  date: string;
  fund: string;
  toFund: string | null;
  newTicker: string | null;
  units: number | null;
  usd: number | null;
  feeBps: number | null;
  source: string;
}

type Values = Record<string, unknown>;
const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
const number = (value: unknown) => {
  const found = text(value) ?? (typeof value === "number" ? String(value) : null);
  return found === null ? null : f.num(found);
};

/**
 * The corporate actions on record, each as last restated. The kind is the event's own `type` where
 * the API gives it, else the first part of the key it is filed under (read here, never shown).
 */
export function eventsOf(rows: readonly RevisionRow[]): FundEvent[] {
  const latest = new Map<string, RevisionRow>();
  for (const row of rows) {
    if (row.entity !== "event") continue;
    const kept = latest.get(row.key);
    if (!kept || kept.id < row.id) latest.set(row.key, row);
  }
  const events: FundEvent[] = [];
  for (const row of latest.values()) {
    const value = (row.new_value ?? {}) as Values;
    const parts = row.key.split("|");
    const type = text(value.type) ?? parts[0] ?? "";
    const date = row.date ?? parts[1] ?? "";
    if (text(value.status) === "withdrawn" || date === "") continue;
    events.push({
      type,
      date,
      fund: subjectOf(row) ?? "",
      toFund: text(value.to_fund) ?? (type === "transfer" ? (parts[3] ?? null) : null),
      newTicker: text(value.new_ticker),
      units: number(value.units),
      usd: number(value.usd),
      feeBps: number(value.fee_bps),
      source: row.source,
    });
  }
  return events.sort((a, b) => a.date.localeCompare(b.date) || a.fund.localeCompare(b.fund));
}

/** Publishers known by name, and where their tables are. */
const PUBLISHERS: Record<string, (asset: string | undefined) => { text: string; href: string }> = {
  farside: (asset) => ({
    text: `Farside's ${asset ?? ""} ETF flow table`.replace("  ", " "),
    href: `https://farside.co.uk/${(asset ?? "btc").toLowerCase()}/`,
  }),
};

/**
 * A source as a reader can follow it: a publisher's table, the first web address in the text
 * (written without its scheme in the record: "sec.gov/Archives/…"), or an SEC filer's EDGAR page.
 */
export function sourceLink(source: string, asset?: string): { text: string; href?: string } {
  const publisher = PUBLISHERS[source.toLowerCase()];
  if (publisher) return publisher(asset);
  const address = /\b((?:[a-z0-9-]+\.)+(?:gov|com|net|org|io|uk|co)(?:\/[^\s;,)]*)?)(?=[\s;,)]|$)/i.exec(
    source,
  )?.[1];
  // The words without the bare address and the bracketed details: "ETHE 10-Q Q2 2024 note 10".
  const shown =
    source
      .replace(/\s*\([^)]*\)/g, "")
      .replace(address?.includes("/") ? address : "\u0000", "")
      .replace(/[\s;,:]+$/, "")
      .trim() ||
    (address ?? source);
  if (address) {
    const host =
      address.startsWith("sec.gov") || address.startsWith("tradingview.com") ? `www.${address}` : address;
    return { text: shown, href: `https://${host}` };
  }
  const cik = /\bCIK\s*(\d+)/i.exec(source)?.[1];
  if (cik)
    return { text: shown, href: `https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=${cik}` };
  return { text: sourceName(source) };
}

interface Draft {
  date: string;
  text: string;
  source?: Note["source"];
  href?: string;
}

/** A corporate action in words, written from its fields. */
function eventWords(event: FundEvent, model: Model): string | null {
  const asset = model.fund(event.toFund ?? event.fund)?.asset ?? model.fund(event.fund)?.asset ?? "";
  switch (event.type) {
    case "transfer":
      return `${event.fund} moves ${f.coins(event.units, asset)} to ${event.toFund ?? "another fund"} in a spin-off: coins change funds, no money comes in or goes out`;
    case "ticker_change":
      return `${event.fund} is renamed ${event.newTicker ?? "under a new ticker"}; aumflow shows the fund as ${event.newTicker ?? event.fund} throughout`;
    case "fee_change":
      return `${event.fund}'s sponsor fee becomes ${f.fee(event.feeBps)} a year`;
    case "distribution":
      return `${event.fund} pays ${f.usd(event.usd)} out to its shareholders`;
    case "delisting":
      return `${event.fund} stops trading`;
    default:
      return null;
  }
}

/** Funds listing within this many days of the one before make one note (VSOL, FSOL, TSOL on 17–19 Nov 2025). */
const LISTING_GAP_DAYS = 7;
/** Funds listing within this many days of an asset's first are its first funds (BSOL and GSOL). */
const FIRST_DAYS = 3;

function listingDrafts(
  funds: FundSummary[],
  events: FundEvent[],
  asset: string | undefined,
  skipFirst: boolean,
): Draft[] {
  const sorted = [...funds].sort((a, b) => a.listed_on.localeCompare(b.listed_on));
  const first = sorted[0]?.listed_on ?? "";
  // The chart starts with the first funds: they need no marker of their own.
  const later = skipFirst ? sorted.filter((fund) => daysBetween(first, fund.listed_on) > FIRST_DAYS) : sorted;
  const groups: FundSummary[][] = [];
  for (const fund of later) {
    const group = groups.at(-1);
    const previous = group?.at(-1)?.listed_on;
    if (group && previous && daysBetween(previous, fund.listed_on) <= LISTING_GAP_DAYS) group.push(fund);
    else groups.push([fund]);
  }
  return groups.map((group) => {
    const first = group[0] as FundSummary;
    const tickers = group.map((fund) => fund.ticker);
    const seed = events.find((event) => event.type === "seed" && tickers.includes(event.fund));
    const fundAsset = asset ?? first.asset;
    const sameDay = group.every((fund) => fund.listed_on === first.listed_on);
    const when = sameDay
      ? "list"
      : `list between ${f.date(first.listed_on)} and ${f.date(group.at(-1)?.listed_on)}`;
    const words =
      group.length === 1
        ? `${first.ticker}${first.name ? ` (${first.name})` : ""} lists`
        : `${group.length} ${assetWord(fundAsset)} funds ${when} (${f.names(tickers, 4)})`;
    return {
      date: first.listed_on,
      text: words,
      source: seed
        ? sourceLink(seed.source, fundAsset)
        : { text: "the fund's details on record", href: `/funds/${first.ticker}/` },
      href: `/assets/${fundAsset}/`,
    };
  });
}

const ASSET_WORDS: Record<string, string> = { BTC: "bitcoin", ETH: "ether", SOL: "solana" };
const assetWord = (symbol: string) => ASSET_WORDS[symbol] ?? symbol;

function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/** The days of largest net inflow and outflow of a group, linked to their row of the flow table. */
function recordDrafts(model: Model, by: "total" | "asset", key: string, slug: string): Draft[] {
  const rows = model.groupRows(by, key, "day").filter((row) => row.net_flow_usd !== null);
  if (rows.length === 0) return [];
  let high = rows[0];
  let low = rows[0];
  for (const row of rows) {
    if ((f.num(row.net_flow_usd) ?? 0) > (f.num(high?.net_flow_usd) ?? 0)) high = row;
    if ((f.num(row.net_flow_usd) ?? 0) < (f.num(low?.net_flow_usd) ?? 0)) low = row;
  }
  const draft = (row: typeof high, what: string): Draft[] => {
    const flow = f.num(row?.net_flow_usd);
    if (!row || flow === null || (what === "inflow" ? flow <= 0 : flow >= 0)) return [];
    return [
      {
        date: row.start,
        text: `the largest daily net ${what} on record, ${f.signedUsd(flow)}`,
        source: { text: "the flow table", href: `/flows/${slug}/${row.start.slice(0, 4)}/#d-${row.start}` },
      },
    ];
  };
  return [...draft(high, "inflow"), ...draft(low, "outflow")];
}

/** Numbers the drafts in date order. */
function numbered(drafts: Draft[]): Note[] {
  return drafts
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((draft, i) => ({
      label: String(i + 1),
      date: draft.date,
      text: `${f.date(draft.date)}: ${draft.text}`,
      source: draft.source,
      href: draft.href,
    }));
}

/** The notes of an all-funds trend: each asset's first listing after the first, every corporate action, the record days. */
export function totalNotes(model: Model): Note[] {
  const events = model.events;
  const held = model.assets.filter((asset) => asset.funds.length > 0);
  const firsts = held.flatMap((asset) => {
    const first = [...asset.funds].sort((a, b) => a.listed_on.localeCompare(b.listed_on))[0];
    return first ? [{ asset, first }] : [];
  });
  firsts.sort((a, b) => a.first.listed_on.localeCompare(b.first.listed_on));
  const listings = firsts.slice(1).map(({ asset, first }): Draft => {
    const same = asset.funds.filter((fund) => daysBetween(first.listed_on, fund.listed_on) <= FIRST_DAYS);
    const seed = events.find(
      (event) => event.type === "seed" && same.some((fund) => fund.ticker === event.fund),
    );
    return {
      date: first.listed_on,
      text: `the first ${assetWord(asset.symbol)} funds list (${f.names(
        same.map((fund) => fund.ticker),
        4,
      )})`,
      source: seed
        ? sourceLink(seed.source, asset.symbol)
        : { text: "the funds' details on record", href: `/funds/${first.ticker}/` },
      href: `/assets/${asset.symbol}/`,
    };
  });
  return numbered([
    ...listings,
    ...actionDrafts(model, events),
    ...recordDrafts(model, "total", "all", "all"),
  ]);
}

function actionDrafts(
  model: Model,
  events: FundEvent[],
  keep: (event: FundEvent) => boolean = () => true,
): Draft[] {
  return events.filter(keep).flatMap((event): Draft[] => {
    const words = eventWords(event, model);
    if (!words) return [];
    const fund =
      model.fund(event.toFund ?? event.fund) ?? model.fund(event.fund) ?? model.fund(event.newTicker ?? "");
    return [
      {
        date: event.date,
        text: words,
        source: sourceLink(event.source, fund?.asset),
        href: fund ? `/funds/${fund.ticker}/` : undefined,
      },
    ];
  });
}

/** The notes of one asset's trends: its listings, its funds' corporate actions, its record days. */
export function assetNotes(model: Model, symbol: string): Note[] {
  const asset = model.asset(symbol);
  if (!asset) return [];
  const tickers = new Set(asset.funds.map((fund) => fund.ticker));
  const events = model.events;
  const mine = (event: FundEvent) =>
    tickers.has(event.fund) || tickers.has(event.toFund ?? "") || tickers.has(event.newTicker ?? "");
  return numbered([
    ...listingDrafts(asset.funds, events.filter(mine), symbol, true),
    ...actionDrafts(model, events, mine),
    ...recordDrafts(model, "asset", symbol, symbol.toLowerCase()),
  ]);
}

/** The notes of one fund's trends: its own corporate actions (a spin-off, a new ticker, a fee, a payout). */
export function fundNotes(model: Model, ticker: string): Note[] {
  const mine = (event: FundEvent) =>
    event.fund === ticker || event.toFund === ticker || event.newTicker === ticker;
  return numbered(actionDrafts(model, model.events, mine).map((draft) => ({ ...draft, href: undefined })));
}
