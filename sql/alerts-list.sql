-- One account's alerts, newest first.
SELECT account_id, id, toUnixTimestamp64Milli(created_at) AS created_ms, balance, threshold, webhook_url, payload,
       status, attempts, last_status, last_error, toUnixTimestamp64Milli(delivered_at) AS delivered_ms
FROM billing_alerts FINAL
WHERE account_id = {account:String}
ORDER BY created_at DESC, id DESC
LIMIT {limit:UInt32}
