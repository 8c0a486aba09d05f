-- The site shows restatements only (revisions that replaced an old value): a few among millions of
-- first recordings. A partial index of their ids lets GET /v1/revisions?restated=true page through
-- them without reading every revision.
CREATE INDEX revisions_restated ON revisions (id) WHERE old_value IS NOT NULL;
