// The four append-only fact tables, described once so that one writer serves them all.
// Column names are constants of the code, never input.

export interface LedgerKind {
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
   * Statements of this kind's own that follow from the stored rows in the same transaction (?2 is the
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
};

export const FLOW_KIND: LedgerKind = {
  entity: "flow",
  table: "flows",
  keyColumns: ["fund", "date", "source"],
  valueColumns: ["net_flow_usd", "units", "status"],
  subjectColumn: "fund",
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
};

export const EVENT_KIND: LedgerKind = {
  entity: "event",
  table: "corporate_actions",
  keyColumns: ["type", "date", "from_fund", "to_fund", "source"],
  valueColumns: ["units", "usd", "fee_bps", "new_ticker", "derived", "waiver", "note"],
  subjectColumn: "from_fund",
  // The former ticker stays an alias of the fund, for every read and write from now on.
  followUps: [
    `INSERT INTO ticker_aliases (alias, ticker, since)
       SELECT from_fund, new_ticker, date FROM corporate_actions WHERE request_id = ?2 AND type = 'ticker_change'
       ON CONFLICT (alias) DO UPDATE SET ticker = excluded.ticker, since = excluded.since`,
  ],
};

/**
 * A validated row: every key and value column as canonical text (or null), and `observed_at`, when the
 * public first saw it (null: when it was recorded).
 */
export type LedgerRow = Record<string, string | null>;
