-- Who works on an export run (api/scheduler/owner.ts), so that the runs and webhooks a
-- dead process left are taken over while those of a live instance are not
-- (api/scheduler/recover.ts). Any instance may run a schedule now, so "running" alone
-- cannot tell a crashed run from one still going elsewhere.
--
-- The owner of each run: host (name, boot id, PID namespace), PID, process start time,
-- instance (host name and DATA_DIR) and a random id per app, as JSON; '' on rows written
-- before this migration.
ALTER TABLE export_runs ADD COLUMN IF NOT EXISTS owner String DEFAULT '';

-- One heartbeat row per owner, rewritten every 15 s while it has a run or a webhook in
-- flight (ReplacingMergeTree keeps the latest seen_at). A process on another host is
-- alive while its row is fresh; this host's processes are asked directly. seen_at is the
-- store's clock (now64), one clock for every instance. Rows of long-gone owners expire.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS export_run_owners
(
    owner   String,
    seen_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(seen_at)
ORDER BY owner
TTL toDateTime(seen_at) + INTERVAL 7 DAY;
