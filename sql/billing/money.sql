-- Top-ups and adjustments (signed) with {lo_ms} <= time < {hi_ms}, in rupiah (Int64 sums),
-- per bucket: 'month' or 'day' in {tz}, or 'all'. An id stored twice counts once, with
-- the row stored first (SPEC: the first one stored stays).
SELECT
    multiIf({bucket:String} = 'month', toString(toStartOfMonth(t, {tz:String})), {bucket:String} = 'day', toString(toDate(t, {tz:String})), '') AS bucket,
    sumIf(amount, kind = 'topup') AS topups,
    sumIf(amount, kind = 'adjustment') AS adjustments,
    countIf(kind = 'topup') AS topup_count,
    countIf(kind = 'adjustment') AS adjustment_count
FROM
(
    SELECT id, argMin(occurred_at, ingested_at) AS t, argMin(kind, ingested_at) AS kind, argMin(amount, ingested_at) AS amount
    FROM billing_money
    WHERE account_id = {account:String}
    GROUP BY id
)
WHERE toUnixTimestamp64Milli(t) >= {lo_ms:Int64} AND toUnixTimestamp64Milli(t) < {hi_ms:Int64}
GROUP BY bucket
