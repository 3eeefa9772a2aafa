-- The result of one check (the highest version wins).
INSERT INTO billing_alert_state (account_id, below, balance, threshold, checked_at, version)
VALUES ({account:String}, {below:UInt8}, {balance:Int64}, {threshold:Int64}, fromUnixTimestamp64Milli({checked_ms:Int64}), {version:UInt64})
