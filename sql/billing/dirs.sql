-- The rows at (kind 2, 1970-01-01, t 1970, id) of the contacts whose marker ids
-- ('channel:contact_id') are in {ids}, an index lookup per id: a segment directory
-- (rows 0, `segs`; migration 023) for a contact derived in pages, or the one sync marker
-- (rows > 0) of a contact derived whole by items.sql.
SELECT id, toString(rows) AS rows, segs
FROM billing_items FINAL
WHERE account_id = {account:String} AND kind = 2 AND month = toDate('1970-01-01') AND t = toDateTime64(0, 3, 'UTC')
  AND id IN {ids:Array(String)}
