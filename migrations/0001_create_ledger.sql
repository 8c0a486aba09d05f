-- The ledger: every fact a provider submits, append-only. A restatement adds a row (and a revision);
-- nothing here is updated or deleted, so any past state can be rebuilt "as known at" a moment.
-- Amounts are canonical decimal TEXT ("111700000.00"): exact, and equal values compare equal as text.

-- Counters and settings of the deployment, such as data_version.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- data_version moves by one with every write that changed something; caches and the site key on it.
INSERT INTO meta (key, value) VALUES ('data_version', '0'), ('report_date', ''), ('recompute_lease', '0');

-- Crypto assets funds hold. decimals fixes the precision of every coin quantity of the asset.
CREATE TABLE assets (
  symbol TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  decimals INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 18)
);
INSERT INTO assets (symbol, name, decimals) VALUES ('BTC', 'Bitcoin', 8), ('ETH', 'Ether', 18), ('SOL', 'Solana', 9);

-- Fund metadata as it stands now; every change to it is kept in revisions (entity 'fund').
CREATE TABLE funds (
  ticker TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  issuer TEXT NOT NULL,
  asset TEXT NOT NULL REFERENCES assets (symbol),
  vehicle TEXT NOT NULL,           -- spot_etf | etp | trust | fund
  country TEXT NOT NULL,           -- ISO 3166-1 alpha-2
  exchange TEXT NOT NULL,          -- ISO 10383 MIC; decides the trading calendar
  listed_on TEXT NOT NULL,         -- first trading day; flows before it are refused
  fee_bps INTEGER NOT NULL,        -- sponsor fee, basis points a year; drives fee accrual
  updated_at TEXT NOT NULL
);
CREATE INDEX funds_by_asset ON funds (asset);

-- Daily USD closes of an asset, by source.
CREATE TABLE price_marks (
  id INTEGER PRIMARY KEY,          -- order of recording: the highest id of a key is its latest value
  asset TEXT NOT NULL,
  date TEXT NOT NULL,              -- the UTC calendar day the close belongs to
  source TEXT NOT NULL,
  close_usd TEXT NOT NULL,         -- up to 8 decimal places
  recorded_at TEXT NOT NULL,       -- when aumflow learnt it; "as_of" views filter on it
  request_id TEXT NOT NULL         -- the write that brought it, shared with its revision
);
CREATE INDEX price_marks_key ON price_marks (asset, date, source, id);

-- Net creations minus redemptions of a fund on a trade date, by source.
CREATE TABLE flows (
  id INTEGER PRIMARY KEY,
  fund TEXT NOT NULL,
  date TEXT NOT NULL,
  source TEXT NOT NULL,
  net_flow_usd TEXT NOT NULL,      -- cents exact
  units TEXT,                      -- the flow in coins when the source gave it
  status TEXT NOT NULL,            -- final | provisional (placeholder figures awaiting the real ones)
  recorded_at TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX flows_key ON flows (fund, date, source, id);
CREATE INDEX flows_by_date ON flows (date);

-- Coins held by a fund at the end of a date, as the issuer or a filing reported: the strongest evidence.
CREATE TABLE holdings_marks (
  id INTEGER PRIMARY KEY,
  fund TEXT NOT NULL,
  date TEXT NOT NULL,
  source TEXT NOT NULL,
  units TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX holdings_marks_key ON holdings_marks (fund, date, source, id);

-- Corporate actions that move coins or change a fund without a flow (a spin-off transfer, a delisting).
CREATE TABLE corporate_actions (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,              -- transfer | delisting
  date TEXT NOT NULL,
  from_fund TEXT NOT NULL,         -- the fund giving coins; for a delisting, the fund itself
  to_fund TEXT NOT NULL,           -- the fund receiving coins; '' for a delisting
  source TEXT NOT NULL,
  units TEXT,                      -- coins moved; NULL for a delisting
  note TEXT,
  recorded_at TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX corporate_actions_key ON corporate_actions (type, date, from_fund, to_fund, source, id);
CREATE INDEX corporate_actions_to ON corporate_actions (to_fund);

-- Which source wins for a fund (or an asset's prices) when several report the same day.
-- By default the order in which sources first reported the subject; an admin can reorder.
CREATE TABLE source_ranks (
  subject TEXT NOT NULL,           -- fund ticker, or asset symbol for prices
  source TEXT NOT NULL,
  rank INTEGER NOT NULL,           -- 1 wins
  PRIMARY KEY (subject, source)
);

-- The revision log: one entry per stored fact that was new or restated. Explains every value.
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,            -- fund | price | flow | holding | event | source_rank
  subject TEXT NOT NULL,           -- the fund or asset the fact is about
  date TEXT,                       -- the fact's date (NULL for metadata)
  key TEXT NOT NULL,               -- the fact's key, such as "IBIT|2024-01-11|farside"
  old_value TEXT,                  -- JSON; NULL when the key was new
  new_value TEXT NOT NULL,         -- JSON
  source TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX revisions_by_request ON revisions (request_id);
CREATE INDEX revisions_by_subject ON revisions (subject, id);

-- API tokens of data providers. Only the SHA-256 of a token is stored; it is shown once.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,              -- also the default source of what the token writes
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,            -- JSON array of scopes
  funds TEXT,                      -- JSON array of tickers the token may write; NULL for all
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Idempotency-Key records: a retry gets the first response again. Kept at least 24 hours.
CREATE TABLE idempotency_keys (
  token_id TEXT NOT NULL,          -- keys are per token, so providers cannot collide
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,      -- SHA-256 of method, path and body: the same key with another body is refused
  state TEXT NOT NULL,             -- in_flight | done
  lease_until INTEGER NOT NULL,    -- ms epoch; an in_flight record past it was abandoned (a crash) and may be retried
  response_status INTEGER,
  response_body TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (token_id, key)
);
