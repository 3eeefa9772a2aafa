-- API keys, stored as SHA-256 of the whole key (keys are 32 random bytes, so a fast hash
-- is enough; nothing to brute-force). A key is admin (account_id = '') or bound to one
-- account. Revocation writes a new version of the row; ReplacingMergeTree keeps the
-- latest, and reads use FINAL (a few rows).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS api_keys
(
    key_id     String,
    hash       String,
    account_id String,
    role       LowCardinality(String),
    name       String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY key_id;

-- Per-account settings (office hours, low-balance alert, ...) as one JSON document with
-- a version; the latest version wins.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS account_settings
(
    account_id String,
    settings   String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY account_id;
