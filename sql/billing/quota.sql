-- The quota chain: one row per calendar month (time zone {tz}) from
-- least({from_month}, the month of the account's first event) to {to_month}:
-- the month's plan (the one in force at 00:00 on the 1st), its grants, the MCC quota
-- carried in, the month's conversations and visitors and how many of them are free.
-- Reads the per-hour counts (billing_item_hours), never the items.
--
-- SPEC: quota accounting starts with the month of the account's first event of any
-- kind (carried_in = 0 there and before); every later month, empty ones included,
-- carries in what the month before left over (grant + carried_in - used, not below 0)
-- when that month's plan has mcc_rollover. A month's conversations use its quota in
-- time order, whatever their category; MUV quota does not carry over.
-- Plans come as arrays in force order ({plan_ms}: from when, ms), index 1 the default.
--
-- Shape: one row of per-month arrays, built in stages (each stage reads the columns of
-- the one inside it: aliases nested in one SELECT are expanded by the analyzer, which
-- measured 150 ms for this query written as one WITH list), then one row per month.
SELECT
    toString(months[i]) AS month,
    toString(first_m) AS first_month,
    m_plan[i] AS plan_index,
    m_mcc_grant[i] AS mcc_free_quota,
    m_muv_grant[i] AS muv_free_quota,
    m_roll[i] AS mcc_rollover,
    m_carry[i] AS carried_in,
    m_mcc_service[i] AS mcc_service,
    m_mcc_initiated[i] AS mcc_initiated,
    m_mcc_total[i] AS mcc_total,
    least(m_mcc_total[i], m_mcc_grant[i] + m_carry[i]) AS mcc_free_used,
    m_muv_total[i] AS muv_total,
    least(m_muv_total[i], m_muv_grant[i]) AS muv_free_used
FROM
(
    -- carried into month k + 1: what month k left over, if its plan rolls over
    SELECT *,
           arrayFold((acc, k) -> arrayPushBack(acc,
                         if(months[k + 1] <= first_m OR m_roll[k] = 0, toInt64(0), greatest(toInt64(0), m_mcc_grant[k] + acc[k] - m_mcc_total[k]))),
                     range(1, length(months)), [toInt64(0)]) AS m_carry
    FROM
    (
        -- the month's live items (kind 0 conversations: service, initiated, total; kind 1 visitors)
        SELECT months, first_m, m_plan, m_mcc_grant, m_muv_grant, m_roll,
               arrayMap(m -> indexOf(keys, (toUInt8(0), m)), months) AS at0,
               arrayMap(m -> indexOf(keys, (toUInt8(1), m)), months) AS at1,
               arrayMap(k -> if(k = 0, toInt64(0), service[k]), at0) AS m_mcc_service,
               arrayMap(k -> if(k = 0, toInt64(0), initiated[k]), at0) AS m_mcc_initiated,
               arrayMap(k -> if(k = 0, toInt64(0), total[k]), at0) AS m_mcc_total,
               arrayMap(k -> if(k = 0, toInt64(0), total[k]), at1) AS m_muv_total
        FROM
        (
            -- the months and the plan in force at 00:00 on each 1st
            SELECT first_m, months,
                   arrayMap(m -> toUInt32(arrayCount(p -> p <= toInt64(toUnixTimestamp(toDateTime(m, {tz:String}))) * 1000, {plan_ms:Array(Int64)})), months) AS m_plan,
                   arrayMap(p -> toInt64({plan_mcc_free:Array(UInt32)}[p]), m_plan) AS m_mcc_grant,
                   arrayMap(p -> toInt64({plan_muv_free:Array(UInt32)}[p]), m_plan) AS m_muv_grant,
                   arrayMap(p -> {plan_roll:Array(UInt8)}[p], m_plan) AS m_roll
            FROM
            (
                SELECT first_m, arrayMap(k -> addMonths(lo, k), range(toUInt32(greatest(dateDiff('month', lo, {to_month:Date}), 0) + 1))) AS months
                FROM
                (
                    -- an account without events starts its accounting with the first month asked for
                    SELECT if(count() = 0, {from_month:Date}, toStartOfMonth(min(first_event_at), {tz:String})) AS first_m,
                           least({from_month:Date}, first_m) AS lo
                    FROM accounts
                    WHERE account_id = {account:String}
                )
            )
        ) AS m
        CROSS JOIN
        (
            SELECT groupArray((kind, month)) AS keys, groupArray(service) AS service, groupArray(initiated) AS initiated, groupArray(total) AS total
            FROM
            (
                SELECT kind, month, toInt64(sumIf(n, category = 0)) AS service, toInt64(sumIf(n, category = 1)) AS initiated, toInt64(sum(n)) AS total
                FROM billing_item_hours
                WHERE account_id = {account:String} AND kind IN (0, 1) AND month <= {to_month:Date}
                GROUP BY kind, month
            )
        ) AS c
    )
)
ARRAY JOIN arrayEnumerate(months) AS i
ORDER BY i
