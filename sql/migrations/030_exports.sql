-- Excel / CSV exports on a schedule (api/scheduler/): the schedules and every run of them
-- (changes to schedules go to the shared audit_log, 004). Both are small metadata (a few rows per
-- account and day), read whole by the one scheduler instance, so on a cluster they are
-- replicated to every node rather than sharded: any API instance can list and change
-- schedules and list runs, and the scheduler instance sees every account's schedules.

-- One logical row per schedule. A change (PATCH, DELETE, enable/disable) inserts a new
-- full row with a larger `version`; ReplacingMergeTree(version) keeps the latest and
-- reads use FINAL (a few hundred rows at most, so FINAL costs nothing). A deleted
-- schedule stays as a row with deleted = true, so its runs still name it.
-- ORDER BY (account_id, id): every API read is one account's schedules, or one schedule.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS export_schedules
(
    account_id     String,
    id             String,
    -- overview | csat | rooms | billing
    report         LowCardinality(String),
    -- xlsx | csv (csv only for rooms and csat)
    format         LowCardinality(String),
    -- node-cron expression, 5 or 6 fields (seconds first when 6)
    cron           String,
    -- IANA zone the cron fires in; also the zone of the report's period and dates
    tz             String,
    -- yesterday | last_7_days | last_week | last_month | month_to_date
    period         LowCardinality(String),
    -- JSON {"channel": [...], "agent": [...]}: the API filters each run applies
    filters        String,
    -- '' when the schedule has no webhook
    webhook_url    String,
    -- HMAC-SHA256 key of this schedule's webhook signatures ('' without webhook)
    webhook_secret String,
    enabled        Bool,
    deleted        Bool,
    created_at     DateTime64(3, 'UTC'),
    -- when cron, tz or enabled last changed: fires before it are not "missed"
    armed_at       DateTime64(3, 'UTC'),
    updated_at     DateTime64(3, 'UTC'),
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (account_id, id);

-- One logical row per export run: inserted as 'running' when it starts and replaced
-- (larger version) when it ends, when its webhook is delivered or gives up, and when
-- retention deletes its file. Same engine and reasoning as export_schedules.
-- status: running | succeeded | failed | interrupted (the server stopped during it).
-- ORDER BY (account_id, id): listing is per account; id alone finds one run.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS export_runs
(
    account_id       String,
    id               String,
    schedule_id      String,
    report           LowCardinality(String),
    format           LowCardinality(String),
    -- cron | catch_up | manual
    trigger          LowCardinality(String),
    status           LowCardinality(String),
    -- the cron fire this run is for (NULL for a manual run): catch-up compares with it
    scheduled_for    Nullable(DateTime64(3, 'UTC')),
    -- the report's period [period_from, period_to), and the zone it was taken in
    period_from      DateTime64(3, 'UTC'),
    period_to        DateTime64(3, 'UTC'),
    tz               String,
    started_at       DateTime64(3, 'UTC'),
    finished_at      Nullable(DateTime64(3, 'UTC')),
    -- data rows written (header rows and the About sheet not counted)
    rows             UInt64,
    -- size of the file, bytes
    bytes            UInt64,
    -- file name under EXPORT_DIR ('' before it is written, and after retention deleted it)
    file             String,
    file_deleted_at  Nullable(DateTime64(3, 'UTC')),
    error            String,
    -- none | pending | delivered | failed
    webhook_status   LowCardinality(String),
    webhook_attempts UInt8,
    webhook_error    String,
    version          UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (account_id, id);
