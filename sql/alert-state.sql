-- Whether the account's balance was below its threshold at the last check.
SELECT below, balance, threshold, toUnixTimestamp64Milli(checked_at) AS checked_ms
FROM billing_alert_state FINAL
WHERE account_id = {account:String}
