-- Makes billing_item_hours of one account's month {month} equal to a recount of its live
-- items (after a full re-derivation; see sync.ts): one INSERT of the differences, recount
-- minus what the table sums to now, so no key is ever missing in between (a DELETE first
-- would be a mutation, measured at 0.8 s, and leave the account without hours if cut short).
INSERT INTO billing_item_hours (account_id, kind, month, hour, category, n)
SELECT {account:String}, kind, month, hour, category, sum(d) AS n
FROM
(
    SELECT kind, month, hour, category, toInt64(count()) AS d
    FROM billing_items FINAL
    WHERE account_id = {account:String} AND kind IN (0, 1) AND month = {month:Date} AND hour > toDateTime(0, 'UTC')
    GROUP BY kind, month, hour, category
    UNION ALL
    SELECT kind, month, hour, category, -sum(n) AS d
    FROM billing_item_hours
    WHERE account_id = {account:String} AND month = {month:Date}
    GROUP BY kind, month, hour, category
)
GROUP BY kind, month, hour, category
HAVING n != 0
