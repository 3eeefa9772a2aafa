-- Charged items of the billing months {from_month}..{to_month} with {lo_ms} <= time < {hi_ms}, per bucket and category (0 service,
-- 1 initiated, 2 visitor): how many, and their price in rupiah (UInt64 sums of UInt32
-- prices), also over the items at or after {recent_ms} (the projection's last 7 days).
--
-- An item is charged when it comes after its month's last free item in quota order:
-- (ms, id) > ({b*_ms}, {b*_id})[month index], the bound of its kind (0 MCC, 1 MUV), with
-- month index 1 = {lo_month}. A month with nothing free has bound (-1e15, ''), one
-- with everything free (+1e15, ''). Price: that of the plan in force at the item's time
-- (SPEC: when the conversation opens / the visitor is first seen), from the {plan_*}
-- arrays. Bucket: 'month' (its billing month), 'day' (its date in {tz}) or 'all'.
SELECT
    multiIf({bucket:String} = 'month', toString(month), {bucket:String} = 'day', toString(toDate(t, {tz:String})), '') AS bucket,
    category,
    count() AS billable,
    sum(price) AS charges,
    sumIf(price, ms >= {recent_ms:Int64}) AS recent_charges
FROM
(
    SELECT kind, month, t, id, category,
           toUnixTimestamp64Milli(t) AS ms,
           toUInt32(dateDiff('month', {lo_month:Date}, month) + 1) AS mi,
           arrayCount(p -> p <= ms, {plan_ms:Array(Int64)}) AS pi,
           multiIf(category = 0, {plan_svc:Array(UInt32)}[pi], category = 1, {plan_ini:Array(UInt32)}[pi], {plan_muv:Array(UInt32)}[pi]) AS price
    FROM billing_items FINAL
    WHERE account_id = {account:String} AND kind IN (0, 1)
      AND month >= {from_month:Date} AND month <= {to_month:Date}
      AND toUnixTimestamp64Milli(t) >= {lo_ms:Int64} AND toUnixTimestamp64Milli(t) < {hi_ms:Int64}
)
WHERE if(kind = 0,
         (ms, id) > ({b0_ms:Array(Int64)}[mi], {b0_id:Array(String)}[mi]),
         (ms, id) > ({b1_ms:Array(Int64)}[mi], {b1_id:Array(String)}[mi]))
GROUP BY bucket, category
