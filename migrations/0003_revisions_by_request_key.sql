-- A batch write stores a ledger row for exactly the keys that got a revision in the same request
-- (functions/ledger/write.ts). With the index on request_id alone, that check scanned every revision of
-- the request for every incoming row: quadratic in the batch size, 13 s for one batch of 5,000 flows.
-- Keyed by (request_id, entity, key) it is one index lookup per row; the request's counts still use
-- request_id as the index's prefix.
DROP INDEX revisions_by_request;
CREATE INDEX revisions_by_request ON revisions (request_id, entity, key);
