-- Marks live rows of an account deleted at version {version} (ReplacingMergeTree(version,
-- is_deleted), read with FINAL): either every row of a kind and month (a full
-- re-derivation, month by month), or the sync markers at the ({ends} ms, {ids}) pairs and
-- the items their `keys` list (an index lookup per key). Only rows live now are marked, so
-- running it twice marks nothing twice, and billing_item_hours / billing_pending stay
-- exact. A tombstone needs no `keys` (nothing reads those of a deleted row). Directories
-- (rows 0) need no tombstone: the next derivation of their contact rewrites them.
INSERT INTO billing_items (account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, version, is_deleted, hour)
SELECT account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, {version:UInt64}, 1, hour
FROM billing_items FINAL
WHERE account_id = {account:String} /*scope*/
