-- Every key, or one account's (account ''), oldest first; never the hash. Times as unix
-- ms under other names than their columns (an alias named like its column would replace
-- it in WHERE and ORDER BY).
SELECT key_id, account_id, role, name,
       toUnixTimestamp64Milli(created_at) AS created_ms,
       toUnixTimestamp64Milli(revoked_at) AS revoked_ms
FROM api_keys FINAL
WHERE {account:String} = '' OR account_id = {account:String}
ORDER BY created_at
