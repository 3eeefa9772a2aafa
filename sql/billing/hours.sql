-- billing_item_hours of one account, recounted from its live items (after a full
-- re-derivation; see sync.ts).
INSERT INTO billing_item_hours (account_id, kind, month, hour, category, n)
SELECT account_id, kind, month, hour, category, toInt64(count())
FROM billing_items FINAL
WHERE account_id = {account:String} AND kind IN (0, 1) AND hour > toDateTime(0, 'UTC')
GROUP BY account_id, kind, month, hour, category
