-- The columns every read of export_runs returns (sql/scheduler/runs.ts fills them in for
-- {{columns}}). Times as unix ms, named *_ms: an alias named like its column would
-- replace the column in WHERE and ORDER BY, which would then compare numbers.
account_id, id, schedule_id, report, format, trigger, status,
toUnixTimestamp64Milli(scheduled_for) AS scheduled_for_ms,
toUnixTimestamp64Milli(period_from) AS period_from_ms, toUnixTimestamp64Milli(period_to) AS period_to_ms, tz,
toUnixTimestamp64Milli(started_at) AS started_ms, toUnixTimestamp64Milli(finished_at) AS finished_ms,
rows, bytes, file, toUnixTimestamp64Milli(file_deleted_at) AS file_deleted_ms, error,
webhook_status, webhook_attempts, webhook_error, owner, version
