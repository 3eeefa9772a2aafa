-- Billing (sql/billing/*). Billing never scans the raw events table. Two kinds of tables:
--
-- * copies kept by materialized views at insert time: billing_messages (the messages
--   that can cost money) and billing_money (top-ups, adjustments), plus row counters;
-- * billing_items: the account's conversations and visitors, derived from
--   billing_messages per contact by sql/billing/sync.ts, which re-derives a contact
--   whenever its message count changed (checked before every billing read), so a late,
--   out-of-order or repeated event gives the same numbers as if it had arrived in order.
--
-- Prices, quotas and rollover are never stored: they are applied at read time from the
-- plan history, so a late plan.changed re-prices history at once.

-- Every WhatsApp message (MCC needs both directions: outbound opens a conversation,
-- inbound decides service vs initiated) and every inbound message of any channel (MUV).
--
-- ORDER BY (account_id, channel, contact_id, occurred_at, outbound, id): one contact's
-- messages are contiguous and in billing order (SPEC: same instant => inbound
-- (outbound = 0) first, then id), so re-deriving one contact is an index range read.
-- Plain MergeTree, so that a contact's row count here always equals its count in
-- billing_contact_rows (the change detector); a message stored twice changes no
-- conversation and no visitor, so reads need not dedupe it.
-- No partitioning: billing reads a contact's whole history, never a month of it.
CREATE TABLE IF NOT EXISTS billing_messages
(
    account_id       LowCardinality(String),
    channel          LowCardinality(String),
    contact_id       String,
    occurred_at      DateTime64(3, 'UTC'),
    -- 0 inbound, 1 outbound: sorts inbound first at the same instant
    outbound         UInt8,
    id               String,
    room_id          String,
    -- outbound only: a template (HSM) or a broadcast always opens an `initiated` conversation
    forced_initiated UInt8
)
ENGINE = MergeTree
ORDER BY (account_id, channel, contact_id, occurred_at, outbound, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_messages_mv TO billing_messages AS
SELECT account_id, channel, contact_id, occurred_at,
       toUInt8(direction = 'outbound') AS outbound,
       id, room_id,
       toUInt8(direction = 'outbound' AND (template OR sender = 'broadcast')) AS forced_initiated
FROM events
WHERE type = 'message' AND (channel = 'whatsapp' OR direction = 'inbound');

-- Rows of billing_messages per contact and per account: the change detector of
-- sql/billing/sync.ts (a contact whose count here differs from the count its items were
-- derived from is re-derived). SummingMergeTree: counts add up on merge; reads sum().
CREATE TABLE IF NOT EXISTS billing_contact_rows
(
    account_id LowCardinality(String),
    channel    LowCardinality(String),
    contact_id String,
    rows       UInt64
)
ENGINE = SummingMergeTree
ORDER BY (account_id, channel, contact_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_contact_rows_mv TO billing_contact_rows AS
SELECT account_id, channel, contact_id, count() AS rows
FROM billing_messages
GROUP BY account_id, channel, contact_id;

-- Same per account: one tiny read tells whether anything changed since the last sync.
CREATE TABLE IF NOT EXISTS billing_account_rows
(
    account_id LowCardinality(String),
    rows       UInt64
)
ENGINE = SummingMergeTree
ORDER BY account_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_account_rows_mv TO billing_account_rows AS
SELECT account_id, count() AS rows
FROM billing_messages
GROUP BY account_id;

-- Money in: top-ups and adjustments (rupiah, signed Int64), a few rows per account.
-- ORDER BY (account_id, occurred_at, id) for time-range reads. Plain MergeTree keeps
-- every row; reads dedupe by id (GROUP BY id, keeping the first ingested row, as SPEC
-- says the first stored wins), so a row stored twice is never summed twice.
CREATE TABLE IF NOT EXISTS billing_money
(
    account_id  LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    id          String,
    -- 'topup' or 'adjustment'
    kind        LowCardinality(String),
    amount      Int64,
    reference   String,
    reason      String,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (account_id, occurred_at, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_money_mv TO billing_money AS
SELECT account_id, occurred_at, id,
       if(type = 'balance.topup', 'topup', 'adjustment') AS kind,
       amount, reference, reason, ingested_at
FROM events
WHERE type IN ('balance.topup', 'balance.adjustment');

-- The account's billable items: one row per WhatsApp conversation (kind 0) and per
-- visitor-month (kind 1), derived per contact from billing_messages (sql/billing/items.sql),
-- plus one sync marker per contact (kind 2) holding the number of billing_messages rows
-- the contact's items were derived from. The marker is written by the same INSERT ...
-- SELECT as the items, so it describes exactly the snapshot they came from.
-- No price, no free/charged flag: those depend on the plan history and on the other
-- contacts, and are applied at read time.
--
-- ORDER BY (account_id, kind, month, t, id): a month's items in quota order (SPEC: time
-- order; ties by message id), so per-month counts and "the n-th item of the month" read
-- one contiguous, sorted range.
-- ReplacingMergeTree(version, is_deleted): re-deriving a contact writes a tombstone
-- (is_deleted = 1) for each of its old items and then its new items with a higher
-- version; every read uses FINAL, so it sees exactly the current derivation.
-- `month` is the calendar month of t in the account's time zone at derivation time; a
-- time zone change re-derives the whole account.
CREATE TABLE IF NOT EXISTS billing_items
(
    account_id      LowCardinality(String),
    -- 0 WhatsApp conversation (MCC), 1 visitor first seen in the month (MUV), 2 sync marker
    kind            UInt8,
    month           Date,
    -- conversation: opening message time; visitor: first inbound message of the month
    t               DateTime64(3, 'UTC'),
    -- that message's id (marker: channel:contact_id)
    id              String,
    -- 0 service, 1 initiated, 2 visitor
    category        UInt8,
    channel         LowCardinality(String),
    contact_id      String,
    room_id         String,
    -- conversation: 1 when opened by a template or a broadcast (always initiated)
    forced          UInt8,
    -- conversation: the contact's latest inbound message at or before t (1970 = none);
    -- service iff it is within 24 h, so finance can see why
    last_inbound_at DateTime64(3, 'UTC'),
    -- marker: billing_messages rows of the contact the derivation read
    rows            UInt64,
    version         UInt64,
    is_deleted      UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (account_id, kind, month, t, id);

-- Per account: the time zone of the latest derivation and the total of its markers'
-- rows (so that "has anything changed?" is two one-row reads).
CREATE TABLE IF NOT EXISTS billing_sync_accounts
(
    account_id LowCardinality(String),
    timezone   String,
    rows       UInt64,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY account_id;

-- Backfill from events stored before this migration (the views only see new inserts).
-- Migrations run before the server accepts events, so nothing is copied twice.
INSERT INTO billing_messages
SELECT account_id, channel, contact_id, occurred_at,
       toUInt8(direction = 'outbound') AS outbound,
       id, room_id,
       toUInt8(direction = 'outbound' AND (template OR sender = 'broadcast')) AS forced_initiated
FROM events
WHERE type = 'message' AND (channel = 'whatsapp' OR direction = 'inbound');

INSERT INTO billing_money
SELECT account_id, occurred_at, id,
       if(type = 'balance.topup', 'topup', 'adjustment') AS kind,
       amount, reference, reason, ingested_at
FROM events
WHERE type IN ('balance.topup', 'balance.adjustment');
