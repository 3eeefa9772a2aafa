-- Charged items of the billing months {from_month}..{to_month} with {lo_ms} <= time <
-- {hi_ms}, per bucket and category (0 service, 1 initiated, 2 visitor): how many, and
-- their price in rupiah (Int64 sums of UInt32 prices), also over the items at or after
-- {recent_ms} (the projection's last 7 days).
--
-- SPEC: a month's items use its free quota in time order (ties: message id); the rest are
-- charged at the price of the plan in force at the item's time (when the conversation
-- opens / the visitor is first seen). quota.sql says where each month's free items end:
-- the local hour {h*}[month index] holding the last free item and its rank {r*} in that
-- hour (kind 0 MCC, kind 1 MUV; month index 1 = {lo_month}). An item is charged when its
-- hour is later, or the same hour and its rank in the hour is higher. Prices come from
-- the {plan_*} arrays (index 1 the default plan). Bucket: 'month' (the billing month),
-- 'day' (the date in {tz}) or 'all'.
--
-- Two parts, one answer: whole local hours from the per-hour counts (billing_item_hours),
-- and item by item the hours in {cut} (hour starts, ms): those holding the last free
-- item of a month, a plan change or a range edge, where one count per hour would not do
-- (charges.ts puts one t-range per cut hour into the item part). A whole hour has one
-- plan, lies in one day and one month, and is entirely before or after every edge.
SELECT
    multiIf({bucket:String} = 'month', toString(month), {bucket:String} = 'day', toString(toDate(fromUnixTimestamp64Milli(ms, 'UTC'), {tz:String})), '') AS bucket,
    category,
    sum(cnt) AS billable,
    sum(cnt * price) AS charges,
    sumIf(cnt * price, ms >= {recent_ms:Int64}) AS recent_charges
FROM
(
    SELECT kind, month, category, cnt, ms, hour_ms, rank,
           toUInt32(dateDiff('month', {lo_month:Date}, month) + 1) AS mi,
           arrayCount(p -> p <= ms, {plan_ms:Array(Int64)}) AS pi,
           toInt64(multiIf(category = 0, {plan_svc:Array(UInt32)}[pi], category = 1, {plan_ini:Array(UInt32)}[pi], {plan_muv:Array(UInt32)}[pi])) AS price
    FROM
    (
        SELECT kind, month, category, sum(n) AS cnt, toInt64(toUnixTimestamp(hour)) * 1000 AS ms, ms AS hour_ms, toUInt64(0) AS rank
        FROM billing_item_hours
        WHERE account_id = {account:String} AND kind IN (0, 1) AND month >= {from_month:Date} AND month <= {to_month:Date}
        GROUP BY kind, month, hour, category
        HAVING cnt != 0 AND NOT has({cut:Array(Int64)}, ms) AND ms >= {lo_ms:Int64} AND ms + 3600000 <= {hi_ms:Int64}
        UNION ALL
        SELECT kind, month, category, toInt64(1) AS cnt, ms, hour_ms, rank
        FROM
        (
            SELECT kind, month, category, toUnixTimestamp64Milli(t) AS ms, toInt64(toUnixTimestamp(hour)) * 1000 AS hour_ms,
                   row_number() OVER (PARTITION BY kind, month, hour ORDER BY t, id) AS rank
            FROM billing_items FINAL
            WHERE account_id = {account:String} AND kind IN (0, 1) AND month >= {from_month:Date} AND month <= {to_month:Date}
              AND (/*cut*/)
        )
        WHERE ms >= {lo_ms:Int64} AND ms < {hi_ms:Int64}
    )
    WHERE if(kind = 0,
             hour_ms > {h0:Array(Int64)}[mi] OR (hour_ms = {h0:Array(Int64)}[mi] AND rank > {r0:Array(UInt64)}[mi]),
             hour_ms > {h1:Array(Int64)}[mi] OR (hour_ms = {h1:Array(Int64)}[mi] AND rank > {r1:Array(UInt64)}[mi]))
)
GROUP BY bucket, category
