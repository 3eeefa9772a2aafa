-- Marks live rows of an account deleted at version {version} (ReplacingMergeTree(version,
-- is_deleted), read with FINAL): either every row (no scope: a full
-- re-derivation), or the sync markers whose ids are in {markers} and the items their
-- `keys` list (an index lookup per key). Only rows live now are marked, so running it
-- twice marks nothing twice, and billing_item_hours / billing_pending stay exact.
INSERT INTO billing_items (account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, version, is_deleted, hour, keys)
SELECT account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, {version:UInt64}, 1, hour, keys
FROM billing_items FINAL
WHERE account_id = {account:String} /*scope*/
