-- The market as it is (2024–2026): funds whose metadata is partly unknown, seed capital, ticker changes
-- and fee schedules as corporate actions, and the time the public first saw each fact.

-- Several funds of 2025–26 have no published name, exchange, vehicle or fee: unknown stays NULL, never a
-- guess. SQLite cannot drop NOT NULL in place, so the table is rebuilt with the same rows.
CREATE TABLE funds_next (
  ticker TEXT PRIMARY KEY,
  name TEXT,                       -- NULL: not known
  issuer TEXT,                     -- NULL: not known
  asset TEXT NOT NULL REFERENCES assets (symbol),
  vehicle TEXT,                    -- spot_etf | etp | trust | fund; NULL: not known
  country TEXT NOT NULL,           -- ISO 3166-1 alpha-2
  exchange TEXT,                   -- ISO 10383 MIC; NULL: not known (a US fund then trades on the NYSE calendar, which all four US venues share)
  listed_on TEXT NOT NULL,
  fee_bps INTEGER,                 -- sponsor fee at listing, basis points a year; NULL: not known (no fee accrued); later changes are fee_change events
  updated_at TEXT NOT NULL
);
INSERT INTO funds_next SELECT ticker, name, issuer, asset, vehicle, country, exchange, listed_on, fee_bps, updated_at FROM funds;
DROP TABLE funds;
ALTER TABLE funds_next RENAME TO funds;
CREATE INDEX funds_by_asset ON funds (asset);

-- Corporate actions beyond transfers and delistings. The key columns stay (type, date, from_fund, to_fund,
-- source); from_fund is the fund the action is about. Each kind fills the value columns it needs:
--   seed           usd (the sponsor's opening position at listing, US$), derived ('true' when computed from a
--                  publisher's row total because the cell itself was lost)
--   ticker_change  new_ticker (from_fund is the former ticker, which stays an alias of the fund)
--   fee_change     fee_bps (the fee in force from date on)
--   distribution   usd or units (paid out on the ex-date)
--   staking_reward units (coins credited to the fund)
ALTER TABLE corporate_actions ADD COLUMN usd TEXT;
ALTER TABLE corporate_actions ADD COLUMN fee_bps TEXT;
ALTER TABLE corporate_actions ADD COLUMN new_ticker TEXT;
ALTER TABLE corporate_actions ADD COLUMN derived TEXT;
-- Per fund, its actions of one kind (seeds, fee changes) without a scan; to_fund keeps its own index.
CREATE INDEX corporate_actions_by_fund ON corporate_actions (from_fund, type);

-- When the public first saw a value (admin only, for replaying a publisher's revision history, such as
-- Farside's tables capture by capture). NULL when not given: the value was public when it was recorded.
-- "as_of" reads filter on COALESCE(observed_at, recorded_at).
ALTER TABLE price_marks ADD COLUMN observed_at TEXT;
ALTER TABLE flows ADD COLUMN observed_at TEXT;
ALTER TABLE holdings_marks ADD COLUMN observed_at TEXT;
ALTER TABLE corporate_actions ADD COLUMN observed_at TEXT;
ALTER TABLE revisions ADD COLUMN observed_at TEXT;

-- Former tickers: every read and write accepts them and means the fund (a ticker_change keeps one fund, its
-- history whole). Filled in the same transaction as the ticker_change event.
CREATE TABLE ticker_aliases (
  alias TEXT PRIMARY KEY,          -- the former ticker
  ticker TEXT NOT NULL,            -- the fund as it is called now
  since TEXT NOT NULL              -- the day the new ticker took effect
);
