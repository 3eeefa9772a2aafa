-- The quota chain: one row per calendar month (time zone {tz}) from
-- least({from_month}, the month of the account's first event) to {to_month}:
-- the month's plan (the one in force at 00:00 on the 1st), its grants, the MCC quota
-- carried in, the month's conversations and visitors, how many of them are free, and
-- where the free ones end (the hour holding the last free item and its rank inside that
-- hour; sql/billing/boundary.sql then reads just that hour).
--
-- SPEC: quota accounting starts with the month of the account's first event of any
-- kind (carried_in = 0 there and before); every later month, empty ones included,
-- carries in what the month before left over (grant + carried_in - used, not below 0)
-- when that month's plan has mcc_rollover. A month's conversations use its quota in
-- time order, whatever their category; MUV quota does not carry over.
-- Plans come as arrays in force order ({plan_ms}: from when, ms), index 1 the default.
WITH
    -- an account without events starts its accounting with the first month asked for
    (SELECT if(count() = 0, {from_month:Date}, toStartOfMonth(min(first_event_at), {tz:String})) FROM accounts WHERE account_id = {account:String}) AS first_m,
    least({from_month:Date}, first_m) AS lo,
    arrayMap(k -> addMonths(lo, k), range(toUInt32(greatest(dateDiff('month', lo, {to_month:Date}), 0) + 1))) AS months,
    arrayMap(m -> toUInt32(arrayCount(p -> p <= toInt64(toUnixTimestamp(toDateTime(m, {tz:String}))) * 1000, {plan_ms:Array(Int64)})), months) AS month_plan
SELECT
    toString(months[i]) AS month,
    toString(first_m) AS first_month,
    month_plan[i] AS plan_index,
    {plan_mcc_free:Array(UInt32)}[plan_index] AS mcc_free_quota,
    {plan_muv_free:Array(UInt32)}[plan_index] AS muv_free_quota,
    {plan_roll:Array(UInt8)}[plan_index] AS mcc_rollover,
    arrayMap(m -> arraySum(arrayMap(x -> if(x.1 = 0 AND x.2 = m, x.5, 0), per_month)), months) AS mcc_totals,
    arrayFold((acc, k) -> arrayPushBack(acc,
                  if(months[k + 1] <= first_m OR {plan_roll:Array(UInt8)}[month_plan[k]] = 0,
                     toInt64(0),
                     greatest(toInt64(0), toInt64({plan_mcc_free:Array(UInt32)}[month_plan[k]]) + acc[k] - toInt64(mcc_totals[k])))),
              range(1, length(months)), [toInt64(0)]) AS carry,
    carry[i] AS carried_in,
    arrayFirst(x -> x.1 = 0 AND x.2 = months[i], per_month) AS e0,
    arrayFirst(x -> x.1 = 1 AND x.2 = months[i], per_month) AS e1,
    e0.3 AS mcc_service,
    e0.4 AS mcc_initiated,
    toInt64(e0.5) AS mcc_total,
    least(mcc_total, toInt64(mcc_free_quota) + carried_in) AS mcc_free_used,
    toInt64(e1.5) AS muv_total,
    least(muv_total, toInt64(muv_free_quota)) AS muv_free_used,
    -- the hour (ms) of the last free item and its rank in the hour, when some but not all are free
    arrayCumSum(arrayMap(h -> toInt64(h.2), e0.6)) AS cum0,
    arrayFirstIndex(c -> c >= mcc_free_used, cum0) AS at0,
    if(mcc_free_used > 0 AND mcc_free_used < mcc_total, e0.6[at0].1, toInt64(-1)) AS mcc_bound_hour,
    mcc_free_used - if(at0 > 1, cum0[at0 - 1], 0) AS mcc_bound_rank,
    arrayCumSum(arrayMap(h -> toInt64(h.2), e1.6)) AS cum1,
    arrayFirstIndex(c -> c >= muv_free_used, cum1) AS at1,
    if(muv_free_used > 0 AND muv_free_used < muv_total, e1.6[at1].1, toInt64(-1)) AS muv_bound_hour,
    muv_free_used - if(at1 > 1, cum1[at1 - 1], 0) AS muv_bound_rank
FROM
(
    -- (kind, month, service, initiated, total, [(hour ms, items)] sorted by hour)
    SELECT groupArray((kind, month, service, initiated, total, hours)) AS per_month
    FROM
    (
        SELECT kind, month, sum(h_service) AS service, sum(h_initiated) AS initiated, sum(h_total) AS total,
               arraySort(groupArray((hour, h_total))) AS hours
        FROM
        (
            SELECT kind, month, intDiv(toUnixTimestamp64Milli(t), 3600000) * 3600000 AS hour,
                   countIf(category = 0) AS h_service, countIf(category = 1) AS h_initiated, count() AS h_total
            FROM billing_items FINAL
            WHERE account_id = {account:String} AND kind IN (0, 1) AND month <= {to_month:Date}
            GROUP BY kind, month, hour
        )
        GROUP BY kind, month
    )
)
ARRAY JOIN arrayEnumerate(months) AS i
ORDER BY i
