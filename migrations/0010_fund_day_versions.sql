-- When each fund's daily rows last changed: the data_version current when the recompute wrote them
-- (GET /v1/funds gives it as days_version). A client that keeps a fund's daily rows, as the site
-- build does, asks again only for the funds whose days_version moved: one restated flow at a
-- thousand funds is one fund's rows to fetch, not 1.4 GB.
--
-- A recompute that rewrites a fund's rows stamps it even when they come out the same; a stamp that
-- moves without a change costs a client one fetch, a change without a stamp would cost it a stale
-- page. Derived, like fund_days: not in a backup, stamped again by the recompute after a restore.
CREATE TABLE fund_day_versions (
  fund TEXT PRIMARY KEY,
  data_version INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO fund_day_versions (fund, data_version)
SELECT DISTINCT fund, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version') FROM fund_days;
