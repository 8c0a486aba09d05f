-- Aggregates corrected by difference. A write that recomputes a few funds subtracts their old daily rows
-- from their groups' sums and adds the new ones (every figure is a sum), instead of re-summing every fund
-- of the group from the first changed date: a restatement in the middle of a 1,000-fund history then
-- touches thousands of aggregate rows, not millions of fund rows.

-- How many fund rows a group's day sums. A day whose count falls to 0 is deleted, as a full rebuild
-- (which only writes days some fund has a row for) would never have written it.
ALTER TABLE aggregate_days ADD COLUMN fund_rows INTEGER NOT NULL DEFAULT 0;
UPDATE aggregate_days SET fund_rows = (
  SELECT COUNT(*) FROM fund_days d JOIN funds f ON f.ticker = d.fund
  WHERE d.date = aggregate_days.date AND CASE aggregate_days.group_by WHEN 'total' THEN 1
    WHEN 'asset' THEN f.asset = aggregate_days.group_key WHEN 'issuer' THEN f.issuer = aggregate_days.group_key
    WHEN 'country' THEN f.country = aggregate_days.group_key WHEN 'vehicle' THEN f.vehicle = aggregate_days.group_key
    ELSE 0 END);
-- Finds the emptied days after a round of differences without scanning the table.
CREATE INDEX aggregate_days_empty ON aggregate_days (fund_rows) WHERE fund_rows = 0;

-- A bulk recompute (many funds at once, or a fund that changed groups) rewrites fund rows without
-- differences and re-sums every group once at the end, from this date on ('' when the sums are current).
-- Set in the same transaction as the fund rows it covers, so a crash leaves the work on record.
INSERT INTO meta (key, value) VALUES ('aggregates_stale_from', '');
