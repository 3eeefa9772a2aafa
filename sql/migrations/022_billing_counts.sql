-- Billing reads without scanning an account's items (measured on 2.3M WhatsApp messages,
-- ~560k items: reading them with FINAL cost 0.3-2 s a query; these tables make a usage
-- read touch a few thousand rows). Everything here is derived and rebuilt by
-- sql/billing/sync.ts; migration 020 stays as it is (stores already carry it).
--
-- The local hour (start instant, in the account's time zone of the derivation) of each
-- item: month and day boundaries of that zone never cut an hour, so charges can be
-- counted per hour and only the hours that a bound, a plan change or a range edge cuts
-- are read item by item. 1970 on rows derived before this migration.
ALTER TABLE billing_items ADD COLUMN IF NOT EXISTS hour DateTime('UTC') DEFAULT toDateTime(0, 'UTC');

-- Sync marker (kind 2) only: the keys (kind, month, t, id) of the items derived with it,
-- so that re-deriving a contact finds its old items by primary key, not by a scan.
ALTER TABLE billing_items ADD COLUMN IF NOT EXISTS keys Array(Tuple(UInt8, Date, DateTime64(3, 'UTC'), String));

-- The layout of an account's derivation; sync.ts re-derives accounts of an older one.
ALTER TABLE billing_sync_accounts ADD COLUMN IF NOT EXISTS format UInt8 DEFAULT 0;

-- Items per (kind, month, local hour, category), kept by a view on billing_items: +1 per
-- item written, -1 per tombstone. Every tombstone is written for a live item only (read
-- with FINAL), so the sums are the live items. SummingMergeTree: Int64 deltas add up on
-- merge and all-zero rows disappear; reads sum() anyway. Legacy rows (hour 1970) are
-- left out. ORDER BY matches the reads: one account, a kind, months, hours.
CREATE TABLE IF NOT EXISTS billing_item_hours
(
    account_id LowCardinality(String),
    kind       UInt8,
    month      Date,
    hour       DateTime('UTC'),
    category   UInt8,
    n          Int64
)
ENGINE = SummingMergeTree
ORDER BY (account_id, kind, month, hour, category);

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_item_hours_mv TO billing_item_hours AS
SELECT account_id, kind, month, hour, category, sum(if(is_deleted = 1, -1, 1)) AS n
FROM billing_items
WHERE kind IN (0, 1) AND hour > toDateTime(0, 'UTC')
GROUP BY account_id, kind, month, hour, category;

-- Per contact: message rows stored (+1 each, from billing_messages) minus the rows its
-- current derivation read (-rows for a sync marker written, +rows when it is tombstoned).
-- A contact is up to date when its sum is 0, so "which contacts changed?" is the few rows
-- with a non-zero sum; SummingMergeTree drops the zero rows on merge, so the table shrinks
-- to exactly the pending contacts.
CREATE TABLE IF NOT EXISTS billing_pending
(
    account_id LowCardinality(String),
    channel    LowCardinality(String),
    contact_id String,
    n          Int64
)
ENGINE = SummingMergeTree
ORDER BY (account_id, channel, contact_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_pending_messages_mv TO billing_pending AS
SELECT account_id, channel, contact_id, toInt64(count()) AS n
FROM billing_messages
GROUP BY account_id, channel, contact_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS billing_pending_items_mv TO billing_pending AS
SELECT account_id, channel, contact_id, sum(if(is_deleted = 1, toInt64(rows), -toInt64(rows))) AS n
FROM billing_items
WHERE kind = 2
GROUP BY account_id, channel, contact_id;

-- The counters of 020 are replaced by billing_pending; their tables stay (migrations
-- never drop data), their views stop costing inserts.
DROP VIEW IF EXISTS billing_contact_rows_mv;

DROP VIEW IF EXISTS billing_account_rows_mv;

-- Backfill: the rows stored so far, minus what existing derivations read. Migrations run
-- before the server takes events, so nothing is counted twice.
INSERT INTO billing_pending
SELECT account_id, channel, contact_id, toInt64(count()) AS n
FROM billing_messages
GROUP BY account_id, channel, contact_id;

INSERT INTO billing_pending
SELECT account_id, channel, contact_id, -toInt64(rows) AS n
FROM billing_items FINAL
WHERE kind = 2;
