// The kinds of fact, each described once: the four append-only fact tables, so that one writer
// serves them all (ledger/write.ts), and the metadata a write may change. What every write of them
// does besides storing them is the protocol's (ledger/write-protocol.ts); `affects` is all it asks.
// Column names are constants of the code, never input.
import { type FactKind, revisedFunds } from "./write-protocol.ts";

export interface LedgerKind extends FactKind {
  entity: "price" | "flow" | "holding" | "event";
  table: string;
  /** Columns that identify a fact; a new value for the same key is a restatement. */
  keyColumns: readonly string[];
  /** Columns that carry the fact's value (TEXT or NULL). */
  valueColumns: readonly string[];
  /** The column naming the fund or asset the fact is about. */
  subjectColumn: string;
  /** SQL over j (incoming) and old_value (JSON of the latest): true when the incoming row must not replace it. */
  keepsOld?: string;
  /**
   * Statements of this kind's own that follow from the stored rows in the same transaction (?1 is the
   * request id), such as the alias a ticker change creates.
   */
  followUps?: readonly string[];
}

export const PRICE_KIND: LedgerKind = {
  entity: "price",
  table: "price_marks",
  keyColumns: ["asset", "date", "source"],
  valueColumns: ["close_usd"],
  subjectColumn: "asset",
  // A close is read by every fund of its asset.
  affects: `SELECT f.ticker AS fund, r.date FROM revisions r JOIN funds f ON f.asset = r.subject
    WHERE r.request_id = ?1 AND r.entity = 'price'`,
};

export const FLOW_KIND: LedgerKind = {
  entity: "flow",
  table: "flows",
  keyColumns: ["fund", "date", "source"],
  valueColumns: ["net_flow_usd", "units", "status"],
  subjectColumn: "fund",
  affects: revisedFunds("flow"),
  // A placeholder never replaces a final figure: re-importing an older Farside snapshot must not turn
  // a filled-in day back into provisional zeros. Such a row counts as unchanged.
  keepsOld: "j.status = 'provisional' AND old_value ->> '$.status' = 'final'",
};

export const HOLDING_KIND: LedgerKind = {
  entity: "holding",
  table: "holdings_marks",
  keyColumns: ["fund", "date", "source"],
  valueColumns: ["units"],
  subjectColumn: "fund",
  affects: revisedFunds("holding"),
};

export const EVENT_KIND: LedgerKind = {
  entity: "event",
  table: "corporate_actions",
  keyColumns: ["type", "date", "from_fund", "to_fund", "source"],
  valueColumns: ["units", "usd", "fee_bps", "new_ticker", "derived", "waiver", "note"],
  subjectColumn: "from_fund",
  // Both funds of a transfer; a ticker change is a new name, not a figure.
  affects: `SELECT from_fund AS fund, date FROM corporate_actions WHERE request_id = ?1 AND type <> 'ticker_change'
    UNION ALL SELECT to_fund, date FROM corporate_actions WHERE request_id = ?1 AND to_fund <> ''`,
  // The former ticker stays an alias of the fund, for every read and write from now on.
  followUps: [
    `INSERT INTO ticker_aliases (alias, ticker, since)
       SELECT from_fund, new_ticker, date FROM corporate_actions WHERE request_id = ?1 AND type = 'ticker_change'
       ON CONFLICT (alias) DO UPDATE SET ticker = excluded.ticker, since = excluded.since`,
  ],
};

/** A fund's metadata: a fund changing it is recomputed whole (its fee at listing, its listing day...). */
export const FUND_KIND: FactKind = {
  entity: "fund",
  affects: `SELECT subject AS fund, '0000-01-01' AS date FROM revisions WHERE request_id = ?1 AND entity = 'fund'`,
};

/** The ranking of a fund's sources, or of an asset's prices': the fund, or every fund of the asset, whole. */
export const SOURCE_RANK_KIND: FactKind = {
  entity: "source_rank",
  affects: `SELECT f.ticker AS fund, '0000-01-01' AS date FROM revisions r JOIN funds f
    ON f.ticker = r.subject OR f.asset = r.subject WHERE r.request_id = ?1 AND r.entity = 'source_rank'`,
};

/** An asset's name and decimals: no derived row reads them (decimals never change once a fact uses them). */
export const ASSET_KIND: FactKind = { entity: "asset" };

/**
 * A validated row: every key and value column as canonical text (or null), and `observed_at`, when the
 * public first saw it (null: when it was recorded).
 */
export type LedgerRow = Record<string, string | null>;
