-- The data version of each account, for the read cache (api/read-cache.ts): every stored
-- batch of events adds its rows here through the view, inside the same INSERT, so once a
-- POST /events is acknowledged every instance reading the store sees the new version, and
-- no cached answer of the old version is served again. `rows` only grows (a sum of
-- inserted rows, merges never lower it); `last_ingested_at` tells people when.
-- An account stored before this migration reads as version (0, 0) until its next batch.
CREATE TABLE IF NOT EXISTS account_versions
(
    account_id       LowCardinality(String),
    rows             SimpleAggregateFunction(sum, UInt64),
    last_ingested_at SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY account_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS account_versions_mv TO account_versions AS
SELECT account_id, toUInt64(count()) AS rows, max(ingested_at) AS last_ingested_at
FROM events
GROUP BY account_id;
