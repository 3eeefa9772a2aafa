-- The audit log, or one account's (account ''), newest first. `at` as unix ms under
-- another name than its column (an alias named like it would replace it in ORDER BY).
SELECT toUnixTimestamp64Milli(at) AS at_ms, actor_key_id, account_id, action, target, detail
FROM audit_log
WHERE {account:String} = '' OR account_id = {account:String}
ORDER BY at DESC
LIMIT {limit:UInt32}
