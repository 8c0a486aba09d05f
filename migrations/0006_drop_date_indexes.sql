-- The by-date indexes on the two biggest tables cost more than they saved. A batch of flows holds a few
-- funds' whole histories, and a recompute rewrites one fund's whole history: in date order each of
-- those rows lands in a different page of the index, so at 2.5 million flows and 3.6 million fund-days
-- every batch dirtied thousands of pages (a fund-day row cost 43 µs with the index, 8 µs without, in
-- bench measurements). The reads that used them now seek per fund on the primary keys instead
-- (latest flow date, a report date's fund rows, slices of days), which is as fast for a thousand funds.
DROP INDEX flows_by_date;
DROP INDEX fund_days_by_date;
