-- An alert's latest state (ReplacingMergeTree(version): the highest version wins).
INSERT INTO billing_alerts (account_id, id, created_at, balance, threshold, webhook_url, payload, status, attempts,
                            last_status, last_error, delivered_at, version)
VALUES ({account_id:String}, {id:String}, fromUnixTimestamp64Milli({created_ms:Int64}), {balance:Int64}, {threshold:Int64},
        {webhook_url:String}, {payload:String}, {status:String}, {attempts:UInt32}, {last_status:UInt16}, {last_error:String},
        fromUnixTimestamp64Milli({delivered_ms:Int64}), {version:UInt64})
