-- A session's key and whether it is live (not revoked, not expired by the store's clock);
-- no row for a session id this store has not seen.
SELECT key_id, revoked_at IS NULL AND expires_at > now64(3) AS live
FROM dashboard_sessions FINAL
WHERE session_id = {session_id:String}
