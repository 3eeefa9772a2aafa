-- Raw events: the single source of truth; every number is a function of these rows.
--
-- ORDER BY (account_id, id): the ingestion path looks up "is this id already stored?"
-- for a handful of candidate ids at a time (see ingest/dedup.ts); with the key leading
-- with (account_id, id) that is an index lookup, not a scan. It also keeps one account's
-- rows contiguous, so the raw-scan fallback of a report reads one account only.
--
-- PARTITION BY month of occurred_at (UTC): per-period raw scans prune whole months,
-- and a month is the natural unit to drop or re-aggregate.
--
-- ReplacingMergeTree(keep_rank): the server stores an id once (it checks before it
-- inserts). If two server instances race on the same id, merges (and FINAL) keep the row
-- ingested first, as SPEC.md says ("the first one stored stays"): keep_rank is larger for
-- earlier rows. Reads never depend on merges having happened: state tables use only
-- idempotent aggregates (min, max, argMin, argMax, uniqExact), so a duplicate row cannot
-- change a number.
CREATE TABLE IF NOT EXISTS events
(
    account_id          LowCardinality(String),
    id                  String,
    type                LowCardinality(String),
    occurred_at         DateTime64(3, 'UTC'),
    room_id             String DEFAULT '',
    channel             LowCardinality(String) DEFAULT '',
    contact_id          String DEFAULT '',
    origin              LowCardinality(String) DEFAULT '',
    direction           LowCardinality(String) DEFAULT '',
    sender              LowCardinality(String) DEFAULT '',
    agent_id            String DEFAULT '',
    template            Bool DEFAULT false,
    campaign_id         String DEFAULT '',
    score               UInt8 DEFAULT 0,
    comment             String DEFAULT '',
    -- rupiah, integer: top-up (> 0) or adjustment (signed, non-zero)
    amount              Int64 DEFAULT 0,
    reference           String DEFAULT '',
    reason              String DEFAULT '',
    mcc_free_monthly    UInt32 DEFAULT 0,
    muv_free_monthly    UInt32 DEFAULT 0,
    -- rupiah per conversation / visitor
    price_mcc_service   UInt32 DEFAULT 0,
    price_mcc_initiated UInt32 DEFAULT 0,
    price_muv           UInt32 DEFAULT 0,
    mcc_rollover        Bool DEFAULT false,
    -- SPEC.md: a plan without timezone is in Asia/Jakarta
    timezone            LowCardinality(String) DEFAULT if(type = 'plan.changed', 'Asia/Jakarta', ''),
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3),
    keep_rank           UInt64 MATERIALIZED toUInt64(4102444800000) - toUInt64(toUnixTimestamp64Milli(ingested_at))
)
ENGINE = ReplacingMergeTree(keep_rank)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (account_id, id);

-- One row per account: when its first and last events happened. Billing starts its quota
-- accounting in the month of first_event_at; the API uses it to tell a known account
-- from a typo. min/max are idempotent, so duplicates never move them.
CREATE TABLE IF NOT EXISTS accounts
(
    account_id     LowCardinality(String),
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event_at  SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY account_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS accounts_mv TO accounts AS
SELECT account_id, min(occurred_at) AS first_event_at, max(occurred_at) AS last_event_at
FROM events
GROUP BY account_id;

-- Plan history, a few rows per account: the plan in force at t is the latest row with
-- occurred_at <= t (ties broken by id). Kept apart so that finding an account's time
-- zone or plan never scans its messages.
CREATE TABLE IF NOT EXISTS plans
(
    account_id          LowCardinality(String),
    occurred_at         DateTime64(3, 'UTC'),
    id                  String,
    mcc_free_monthly    UInt32,
    muv_free_monthly    UInt32,
    price_mcc_service   UInt32,
    price_mcc_initiated UInt32,
    price_muv           UInt32,
    mcc_rollover        Bool,
    timezone            LowCardinality(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (account_id, occurred_at, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS plans_mv TO plans AS
SELECT account_id, occurred_at, id, mcc_free_monthly, muv_free_monthly, price_mcc_service,
       price_mcc_initiated, price_muv, mcc_rollover, timezone
FROM events
WHERE type = 'plan.changed';
