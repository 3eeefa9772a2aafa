-- The live segment markers among ({ends} ms, {ids}) pairs, with their rows: an index
-- lookup per pair. sync.ts checks a directory against them before trusting it.
SELECT id, toString(toUnixTimestamp64Milli(t)) AS end_ms, rows
FROM billing_items FINAL
WHERE account_id = {account:String} AND kind = 2 AND month = toDate('1970-01-01')
  AND (t, id) IN (SELECT fromUnixTimestamp64Milli(p.1, 'UTC'), p.2 FROM (SELECT arrayJoin(arrayZip({ends:Array(Int64)}, {ids:Array(String)})) AS p))
