-- The summary lists the latest missing fund-days after every recompute. Without an index that was a
-- scan of every fund row (3.6 million for 1,000 funds over 10 years, about half a second per write);
-- missing days are few, so a partial index holding only them answers at once.
CREATE INDEX fund_days_missing ON fund_days (date DESC, fund) WHERE state = 'missing';
