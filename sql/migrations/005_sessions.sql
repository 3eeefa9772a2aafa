-- Dashboard sessions (api/session.ts, sql/sessions.ts). Sign-in inserts one row; sign-out
-- inserts the same session again with revoked_at set and a larger version, and
-- ReplacingMergeTree keeps the latest (reads use FINAL on one primary key). A cookie is
-- honoured only while its row exists and is not revoked, so signing out ends the session
-- on every API instance sharing this store, not only in the browser that signed out.
-- A row is dropped a day after its session expired (the TTL): the table stays as small as
-- the sessions alive. Small metadata read by any instance, so on a cluster it is
-- replicated to every node, not sharded.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS dashboard_sessions
(
    session_id String,
    key_id     String,
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY session_id
TTL toDateTime(expires_at) + INTERVAL 1 DAY;
