-- Low-balance alerts (api/alerts.ts). A few rows per account.

-- One row per crossing below the threshold, rewritten (higher version) after each
-- delivery attempt: ReplacingMergeTree(version), read with FINAL, keeps the latest state.
-- ORDER BY (account_id, created_at, id): an account's alerts in time order.
CREATE TABLE IF NOT EXISTS billing_alerts
(
    account_id   String,
    id           String,
    created_at   DateTime64(3, 'UTC'),
    -- rupiah: the balance when the crossing was seen, and the threshold it crossed
    balance      Int64,
    threshold    Int64,
    -- '' when no webhook_url was set (status no_webhook)
    webhook_url  String,
    -- the JSON body sent, verbatim (signed as is)
    payload      String,
    -- pending, delivered, failed, no_webhook
    status       LowCardinality(String),
    attempts     UInt32,
    -- HTTP status of the last attempt, 0 when it got no answer
    last_status  UInt16,
    last_error   String,
    -- 1970 = not delivered
    delivered_at DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (account_id, created_at, id);

-- Per account: was the balance below the threshold at the last check? An alert is sent
-- only on the way down (not below -> below), so once per crossing; a balance back at or
-- above the threshold re-arms it. Latest version wins.
CREATE TABLE IF NOT EXISTS billing_alert_state
(
    account_id String,
    below      UInt8,
    balance    Int64,
    threshold  Int64,
    checked_at DateTime64(3, 'UTC'),
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY account_id;
