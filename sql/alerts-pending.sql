-- Alerts whose webhook is still due (a restart goes on with them), oldest first.
SELECT account_id, id, toUnixTimestamp64Milli(created_at) AS created_ms, balance, threshold, webhook_url, payload,
       status, attempts, last_status, last_error, toUnixTimestamp64Milli(delivered_at) AS delivered_ms
FROM billing_alerts FINAL
WHERE status = 'pending' AND webhook_url != ''
ORDER BY created_at, id
