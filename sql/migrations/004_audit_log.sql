-- Who changed keys and schedules, and when: append-only, read newest first per account.
-- actor_key_id is the key that made the change ('' for the command line on the store).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS audit_log
(
    at           DateTime64(3, 'UTC'),
    actor_key_id String,
    account_id   String,
    action       LowCardinality(String),
    target       String,
    detail       String
)
ENGINE = MergeTree
ORDER BY (account_id, at);
