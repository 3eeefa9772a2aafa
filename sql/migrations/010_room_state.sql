-- Per-room state for the manager metrics (total chats, response time, first response,
-- CSAT), the rooms drill-down and the CSAT responses list: one logical row per
-- (account_id, room_id), kept by room_state_mv from every event that carries a room_id.
-- sql/metrics/room-facts.sql turns it into one plain row per room.
--
-- Why a state table: a month of the biggest benchmark account is ~16k rooms among ~2M
-- events. De-duplicating and scanning raw events costs ~250 ms; reading one account's
-- ~175k room rows a few tens of ms.
--
-- ENGINE AggregatingMergeTree, every column a SimpleAggregateFunction: each insert block
-- adds partial rows, merges combine them, and reads use FINAL, which merges plain values
-- (cheap) and only where parts overlap. Only idempotent aggregates are used (min, max,
-- groupUniqArrayArray) over values that carry their own order, so a duplicated event row
-- never changes a number and events may arrive in any order: each row is a function of
-- the set of the room's events.
--
-- ORDER BY (account_id, room_id): the merge key. Every read is "one account", one
-- contiguous range. No time column can be in the key, because a room's times (its start,
-- its first assignment) move when a late event arrives; time filters apply after FINAL.
-- No PARTITION BY: rooms span months, and the table is small (about a row per room).
--
-- "First" / "latest" event values are min / max over values that begin with a sort key:
-- - origin_code packs, from the top bit down: 1 bit source (0 room.opened, 1 message),
--   45 bits occurred_at (unix ms + 2208988800000, so 1900-01-01 = 0), 1 bit direction
--   (0 inbound, 1 outbound: SPEC takes inbound first at one instant), 11 bits of the id's
--   hash (a fixed tie-break between events at the same millisecond), 2 bits origin (0
--   inbound, 1 broadcast, 2 outbound), 4 bits channel (index in the channel list below,
--   as in sql/metrics/room-facts.sql). min() is the earliest room.opened, else the first
--   message. A plain number: the hot summary path never decodes strings.
-- - string keys: 14 digits of (unix ms + 10^13) (fixed width for years 1900-2286, so
--   strings sort by time), then the event id with NUL bytes replaced by \x01, then NUL,
--   then the payload (after the first NUL). Ties at one millisecond go in id order.
CREATE TABLE IF NOT EXISTS room_state
(
    account_id        LowCardinality(String),
    room_id           String,
    -- room start: the earliest occurred_at of any event of the room (SPEC "Total chats")
    started_at        SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    -- origin and channel (see above); 18446744073709551615 when the room has neither a
    -- room.opened nor a message yet
    origin_code       SimpleAggregateFunction(min, UInt64),
    -- the contact (the largest seen: a room has one contact)
    contact_id        SimpleAggregateFunction(max, String),
    -- first room.assigned time; NULL when never assigned
    first_assigned_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    -- latest room.assigned: string key, NUL, agent_id ('' when never assigned)
    last_assigned     SimpleAggregateFunction(max, String),
    -- latest room.resolved time; NULL when never resolved
    resolved_at       SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    -- latest room.resolved: string key, NUL, its agent_id ('' when it names none)
    resolved          SimpleAggregateFunction(max, String),
    -- earliest outbound message with sender agent: the first response when it is at or
    -- after the first assignment, the usual case
    first_agent_reply SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    -- every agent message time: when an agent wrote before the first assignment (an
    -- outbound template, say; and the first assignment can still move earlier when a
    -- late event arrives) the first response is the earliest of these at or after it
    agent_replies     SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC'))),
    -- every csat.requested time (response rate = responses / rooms with a request in the period)
    csat_requests     SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC'))),
    -- latest csat.submitted, as a number: 45 bits occurred_at (as in origin_code), 15 bits
    -- of the id's hash, 3 bits score; 0 when none. The CSAT numbers read only this.
    csat_code         SimpleAggregateFunction(max, UInt64),
    -- latest csat.submitted, for its comment and agent: string key with, after the time,
    -- the same 15-bit hash (5 digits) and the score, so that it picks the same answer as
    -- csat_code; NUL, 4-digit byte length of agent_id, agent_id, comment ('' when none)
    csat              SimpleAggregateFunction(max, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, room_id)
-- 1024-row granules (default 8192): the rooms drill-down reads its page's rooms by key,
-- and a smaller granule reads ~8x fewer rows around each; full scans do not notice.
SETTINGS index_granularity = 1024;

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
          type = 'csat.submitted') AS csat
FROM events
WHERE room_id != ''
GROUP BY account_id, room_id;

-- Backfill from events stored before this migration (nothing on a fresh store): the
-- view's SELECT. An event seen by both is harmless (idempotent states).
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
          type = 'csat.submitted') AS csat
FROM events
WHERE room_id != ''
GROUP BY account_id, room_id;
