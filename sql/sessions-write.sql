-- One version of a session's row: the sign-in (revoked_at 0: none) or its sign-out.
-- Times come as unix ms.
INSERT INTO dashboard_sessions (session_id, key_id, created_at, expires_at, revoked_at, version)
VALUES ({session_id:String}, {key_id:String}, fromUnixTimestamp64Milli({created_at:Int64}), fromUnixTimestamp64Milli({expires_at:Int64}),
        if({revoked_at:Int64} = 0, NULL, fromUnixTimestamp64Milli({revoked_at:Int64})), {version:UInt64})
