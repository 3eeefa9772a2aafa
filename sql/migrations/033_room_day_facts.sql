-- Storage shaped for time windows (issue 12): the metrics read room_day_facts, one row
-- per (account, UTC day on which a room has any event, room), each carrying the room's
-- complete facts, so a window's rooms are one key range (account, days of the window)
-- instead of every room the account ever had.
--
-- Why every event day, not only the days of the facts' times: a room's times move when a
-- late event arrives (an earlier start, a later resolve). The set of its event days only
-- grows, so a row once written is never left behind under a day the room no longer has;
-- it is rewritten with the room's newest facts on every refresh. Any time a metric
-- filters on (start, first assignment, first response, resolve, CSAT request or answer)
-- is the time of one of the room's events, so the room has a row on that day.
--
-- Kept current by sql/metrics/room-facts-refresh.ts: after every stored batch, before
-- the answer, the batch's rooms are recomputed from room_state (FINAL) and written with
-- the store's clock as the version, so the newest computation wins whatever order the
-- inserts commit in. After a crash, the startup replay of the last batches refreshes
-- their rooms too (sql/replay.ts). This migration's backfill runs in code after it
-- (sql/migrate.ts), from the same query.
--
-- room_state gains `days` (the room's event days, UTC), from the view and a backfill.
-- Re-inserting every event's partial state is harmless: each column is an idempotent
-- aggregate (see 010). The view is swapped while nothing writes (migrations run before
-- the server takes events).
ALTER TABLE room_state ADD COLUMN IF NOT EXISTS days SimpleAggregateFunction(groupUniqArrayArray, Array(Date));

DROP VIEW IF EXISTS room_state_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS room_state_mv TO room_state AS
WITH
    leftPad(toString(toUnixTimestamp64Milli(occurred_at) + 10000000000000), 14, '0') AS at_key,
    concat(at_key, replaceAll(id, '\0', '\x01'), '\0') AS event_key
SELECT
    account_id,
    room_id,
    min(occurred_at) AS started_at,
    min(if(type IN ('room.opened', 'message'),
        bitOr(bitOr(bitOr(
            bitShiftLeft(toUInt64(type = 'message'), 63),
            bitShiftLeft(toUInt64(toUnixTimestamp64Milli(occurred_at) + 2208988800000), 18)),
            bitOr(bitShiftLeft(toUInt64(type = 'message' AND direction = 'outbound'), 17), bitShiftLeft(bitAnd(cityHash64(id), 2047), 6))),
            bitOr(bitShiftLeft(toUInt64(if(type = 'room.opened',
                                           indexOf(['inbound', 'broadcast', 'outbound'], origin) - 1,
                                           multiIf(direction = 'inbound', 0, sender = 'broadcast', 1, 2))), 4),
                  toUInt64(indexOf(['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line'], channel) - 1))),
        toUInt64(18446744073709551615))) AS origin_code,
    max(contact_id) AS contact_id,
    minIf(toNullable(occurred_at), type = 'room.assigned') AS first_assigned_at,
    maxIf(concat(event_key, agent_id), type = 'room.assigned') AS last_assigned,
    maxIf(toNullable(occurred_at), type = 'room.resolved') AS resolved_at,
    maxIf(concat(event_key, agent_id), type = 'room.resolved') AS resolved,
    minIf(toNullable(occurred_at), type = 'message' AND direction = 'outbound' AND sender = 'agent') AS first_agent_reply,
    groupUniqArrayIf(occurred_at, type = 'message' AND direction = 'outbound' AND sender = 'agent') AS agent_replies,
    groupUniqArrayIf(occurred_at, type = 'csat.requested') AS csat_requests,
    maxIf(bitOr(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp64Milli(occurred_at) + 2208988800000), 18), bitShiftLeft(bitAnd(cityHash64(id), 32767), 3)), toUInt64(score)),
          type = 'csat.submitted') AS csat_code,
    maxIf(concat(at_key, leftPad(toString(bitAnd(cityHash64(id), 32767)), 5, '0'), toString(score), replaceAll(id, '\0', '\x01'), '\0',
                 leftPad(toString(length(agent_id)), 4, '0'), agent_id, comment),
          type = 'csat.submitted') AS csat,
    groupUniqArray(toDate(occurred_at)) AS days
FROM events
WHERE room_id != ''
GROUP BY account_id, room_id;

INSERT INTO room_state
WITH
    leftPad(toString(toUnixTimestamp64Milli(occurred_at) + 10000000000000), 14, '0') AS at_key,
    concat(at_key, replaceAll(id, '\0', '\x01'), '\0') AS event_key
SELECT
    account_id,
    room_id,
    min(occurred_at) AS started_at,
    min(if(type IN ('room.opened', 'message'),
        bitOr(bitOr(bitOr(
            bitShiftLeft(toUInt64(type = 'message'), 63),
            bitShiftLeft(toUInt64(toUnixTimestamp64Milli(occurred_at) + 2208988800000), 18)),
            bitOr(bitShiftLeft(toUInt64(type = 'message' AND direction = 'outbound'), 17), bitShiftLeft(bitAnd(cityHash64(id), 2047), 6))),
            bitOr(bitShiftLeft(toUInt64(if(type = 'room.opened',
                                           indexOf(['inbound', 'broadcast', 'outbound'], origin) - 1,
                                           multiIf(direction = 'inbound', 0, sender = 'broadcast', 1, 2))), 4),
                  toUInt64(indexOf(['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line'], channel) - 1))),
        toUInt64(18446744073709551615))) AS origin_code,
    max(contact_id) AS contact_id,
    minIf(toNullable(occurred_at), type = 'room.assigned') AS first_assigned_at,
    maxIf(concat(event_key, agent_id), type = 'room.assigned') AS last_assigned,
    maxIf(toNullable(occurred_at), type = 'room.resolved') AS resolved_at,
    maxIf(concat(event_key, agent_id), type = 'room.resolved') AS resolved,
    minIf(toNullable(occurred_at), type = 'message' AND direction = 'outbound' AND sender = 'agent') AS first_agent_reply,
    groupUniqArrayIf(occurred_at, type = 'message' AND direction = 'outbound' AND sender = 'agent') AS agent_replies,
    groupUniqArrayIf(occurred_at, type = 'csat.requested') AS csat_requests,
    maxIf(bitOr(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp64Milli(occurred_at) + 2208988800000), 18), bitShiftLeft(bitAnd(cityHash64(id), 32767), 3)), toUInt64(score)),
          type = 'csat.submitted') AS csat_code,
    maxIf(concat(at_key, leftPad(toString(bitAnd(cityHash64(id), 32767)), 5, '0'), toString(score), replaceAll(id, '\0', '\x01'), '\0',
                 leftPad(toString(length(agent_id)), 4, '0'), agent_id, comment),
          type = 'csat.submitted') AS csat,
    groupUniqArray(toDate(occurred_at)) AS days
FROM events
WHERE room_id != ''
GROUP BY account_id, room_id;

-- One row per room and event day. ReplacingMergeTree(version): a refresh rewrites every
-- day row of a room with the same version (the store's now64 when it ran), so FINAL
-- leaves one row per (account, day, room), all of a room's rows equal.
-- `days` in every row lets a reader keep one row per room without a hash of room ids:
-- the row of the room's first event day inside the window read (room-facts.sql).
CREATE TABLE IF NOT EXISTS room_day_facts
(
    account_id        LowCardinality(String),
    day               Date,
    room_id           String,
    days              Array(Date),
    start_at          DateTime64(3, 'UTC'),
    origin            LowCardinality(String),
    channel           LowCardinality(String),
    contact           String,
    assigned_at       Nullable(DateTime64(3, 'UTC')),
    last_agent        String,
    resolved_at       Nullable(DateTime64(3, 'UTC')),
    resolver          String,
    agent             String,
    first_response_at Nullable(DateTime64(3, 'UTC')),
    csat_requested    Array(DateTime64(3, 'UTC')),
    csat_at           Nullable(DateTime64(3, 'UTC')),
    csat_score        UInt8,
    csat_comment      String,
    csat_agent        String,
    version           DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (account_id, day, room_id)
-- as room_state: the rooms drill-down reads a page's rooms by key
SETTINGS index_granularity = 1024
