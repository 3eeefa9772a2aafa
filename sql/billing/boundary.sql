-- The last free item of each listed month: for each (kind {bk}, month {bm}, hour {bh} ms)
-- the {br}-th item of that hour in quota order (time, then message id), as (ms, id).
-- quota.sql found the hour; only that hour's items are read.
SELECT kind, toString(month) AS month, b.1 AS ms, b.2 AS id
FROM
(
    SELECT kind, month, intDiv(toUnixTimestamp64Milli(t), 3600000) * 3600000 AS hour,
           arraySort(groupArray((toUnixTimestamp64Milli(t), id))) AS items,
           items[{br:Array(UInt64)}[indexOf(arrayZip({bk:Array(UInt8)}, {bm:Array(Date)}, {bh:Array(Int64)}), (kind, month, hour))]] AS b
    FROM billing_items FINAL
    WHERE account_id = {account:String}
      AND (kind, month, hour) IN (SELECT arrayJoin(arrayZip({bk:Array(UInt8)}, {bm:Array(Date)}, {bh:Array(Int64)})))
    GROUP BY kind, month, hour
)
