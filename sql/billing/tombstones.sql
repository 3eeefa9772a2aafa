-- Marks every current item (and sync marker) of an account's contacts (all, or those in
-- the {ch}/{ct} lists) deleted at version {version}; the re-derivation then writes the
-- contacts' items with a higher version (ReplacingMergeTree(version, is_deleted), read
-- with FINAL). An item that still exists is simply written again.
INSERT INTO billing_items
SELECT account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows,
       {version:UInt64}, 1
FROM billing_items FINAL
WHERE account_id = {account:String}
  AND ({all:UInt8} = 1 OR (channel, contact_id) IN (SELECT arrayJoin(arrayZip({ch:Array(String)}, {ct:Array(String)}))))
