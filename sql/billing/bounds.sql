-- Where the free items of each partly free month end: for kind 0 (MCC) and 1 (MUV), the
-- local hour (start, ms) holding the month's {free*}-th item in quota order, and that
-- item's rank inside the hour. {months}, {free0}/{total0}, {free1}/{total1}: per month,
-- from quota.sql; a month is partly free when 0 < free < total. Reads the per-hour counts
-- with a running sum; charges.sql then reads only these hours item by item.
SELECT kind, toString(month) AS month, hour_ms, free - (cum - h) AS rank
FROM
(
    SELECT kind, month, hour_ms, h, cum,
           indexOf({months:Array(Date)}, month) AS i,
           if(kind = 0, {free0:Array(Int64)}[i], {free1:Array(Int64)}[i]) AS free,
           if(kind = 0, {total0:Array(Int64)}[i], {total1:Array(Int64)}[i]) AS total
    FROM
    (
        SELECT kind, month, toInt64(toUnixTimestamp(hour)) * 1000 AS hour_ms, toInt64(sum(n)) AS h,
               sum(h) OVER (PARTITION BY kind, month ORDER BY hour_ms ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
        FROM billing_item_hours
        WHERE account_id = {account:String} AND kind IN (0, 1) AND month IN {months:Array(Date)}
        GROUP BY kind, month, hour
        HAVING h != 0
    )
)
WHERE i > 0 AND free > 0 AND free < total AND cum - h < free AND cum >= free
