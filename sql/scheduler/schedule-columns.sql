-- The columns every read of export_schedules returns (sql/scheduler/schedules.ts fills
-- them in for {{columns}}). Times as unix ms, named *_ms: an alias named like its column
-- would replace the column in WHERE and ORDER BY, which would then compare numbers.
account_id, id, report, format, cron, tz, period, filters, webhook_url, webhook_secret, enabled, deleted,
toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(armed_at) AS armed_ms,
toUnixTimestamp64Milli(updated_at) AS updated_ms, version
