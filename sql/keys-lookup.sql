-- One key by id, with its hash (authentication compares it; revocation writes the row again).
SELECT key_id, hash, account_id, role, name,
       toUnixTimestamp64Milli(created_at) AS created_ms,
       toUnixTimestamp64Milli(revoked_at) AS revoked_ms
FROM api_keys FINAL
WHERE key_id = {id:String}
