-- Derived data: what the AUM engine computes from the ledger. Rebuildable at any time
-- (npm run recompute); USD in integer cents so that SQL sums are exact.

-- Funds whose derived rows are out of date, from which date. Filled in the same transaction as the
-- ledger write, emptied by the recompute: a crash between the two leaves the work on record.
CREATE TABLE recompute_queue (
  fund TEXT PRIMARY KEY,
  from_date TEXT NOT NULL,
  seq INTEGER NOT NULL             -- data_version that queued it; a newer queueing is not lost by an older delete
);

-- One fund on one calendar day (DOMAIN.md): holdings, AUM and the split of its change.
CREATE TABLE fund_days (
  fund TEXT NOT NULL,
  date TEXT NOT NULL,
  state TEXT NOT NULL,             -- final | provisional | missing | holiday | not_listed
  price_usd INTEGER,               -- close used, scale 8; NULL when the asset has no price yet
  price_stale INTEGER NOT NULL,    -- 1 when carried from another day
  units TEXT NOT NULL,             -- coins held at the end of the day
  aum_usd INTEGER NOT NULL,        -- cents
  net_flow_usd INTEGER,            -- cents; NULL when no flow is on record (never 0 for "nothing")
  flow_effect_usd INTEGER,
  market_effect_usd INTEGER NOT NULL,
  other_effect_usd INTEGER NOT NULL,
  fee_effect_usd INTEGER NOT NULL,
  residual_units TEXT NOT NULL,    -- holdings mark minus the rolled-forward units
  transfer_units TEXT NOT NULL,
  fee_units TEXT NOT NULL,
  cumulative_flow_usd INTEGER NOT NULL,
  PRIMARY KEY (fund, date)
) WITHOUT ROWID;
CREATE INDEX fund_days_by_date ON fund_days (date);

-- Sums per group (total, asset, issuer, country, vehicle) and calendar day, recomputed by one SQL
-- statement from fund_days. Indicators (streaks, windows, shares) are computed from these on read.
CREATE TABLE aggregate_days (
  group_by TEXT NOT NULL,
  group_key TEXT NOT NULL,
  date TEXT NOT NULL,
  aum_usd INTEGER NOT NULL,
  net_flow_usd INTEGER,            -- NULL when no fund of the group reported that day
  flow_effect_usd INTEGER NOT NULL,
  market_effect_usd INTEGER NOT NULL,
  other_effect_usd INTEGER NOT NULL,
  fee_effect_usd INTEGER NOT NULL,
  cumulative_flow_usd INTEGER NOT NULL,
  gross_flow_usd INTEGER NOT NULL, -- sum of |flow|: the base of market share by flows
  funds_listed INTEGER NOT NULL,
  funds_reporting INTEGER NOT NULL,
  funds_inflow INTEGER NOT NULL,
  funds_outflow INTEGER NOT NULL,
  funds_provisional INTEGER NOT NULL, -- a day is not settled while any fund is provisional ...
  funds_missing INTEGER NOT NULL,     -- ... or missing
  PRIMARY KEY (group_by, group_key, date)
) WITHOUT ROWID;
