-- Customers' 24 h windows kept with the rooms (issue 16: storage shaped for expired
-- windows). Before, GET .../metrics/expired and rooms?expired=true read a month of the
-- account's messages from `events` and deduplicated them by id at every read: ~110 ms for
-- the biggest account-month at 10M events. Now each room's window closes are computed
-- when its facts are refreshed (sql/metrics/room-facts-refresh.sql) and read with
-- room_day_facts, like every other room metric.
--
-- room_windows: per room, the set of its inbound message times and of its outbound
-- agent / bot message times (SPEC "Expired windows": what opens a window and what answers
-- it). Kept by a view, like room_state, with idempotent set aggregates: a message stored
-- twice adds no time, so merges and repeats never change a window.
-- A table of its own rather than two more columns of room_state: room_state's view and
-- its backfill would be copied whole a third time (see 033), and only the refresh reads these.
CREATE TABLE IF NOT EXISTS room_windows
(
    account_id LowCardinality(String),
    room_id    String,
    inbound    SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC'))),
    answers    SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC')))
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, room_id)
-- as room_state: a refresh reads its batch's rooms by key
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS room_windows_mv TO room_windows AS
SELECT
    account_id,
    room_id,
    groupUniqArrayIf(occurred_at, direction = 'inbound') AS inbound,
    groupUniqArrayIf(occurred_at, direction = 'outbound' AND sender IN ('agent', 'bot')) AS answers
FROM events
WHERE type = 'message' AND room_id != ''
GROUP BY account_id, room_id;

-- The backfill of the messages stored so far (migrations run before the server takes
-- events). The rooms' facts are refreshed after this file (sql/migrate.ts).
INSERT INTO room_windows
SELECT
    account_id,
    room_id,
    groupUniqArrayIf(occurred_at, direction = 'inbound') AS inbound,
    groupUniqArrayIf(occurred_at, direction = 'outbound' AND sender IN ('agent', 'bot')) AS answers
FROM events
WHERE type = 'message' AND room_id != ''
GROUP BY account_id, room_id;

-- window_closes: the end (m + 24 h) of each window of the room that closed, m an inbound
-- message with no inbound message of the room in (m, m + 24 h]; window_expired: 1 for
-- each of those with no agent / bot answer in (m, m + 24 h]. Sorted by time.
ALTER TABLE room_day_facts ADD COLUMN IF NOT EXISTS window_closes Array(DateTime64(3, 'UTC')) AFTER csat_agent;

ALTER TABLE room_day_facts ADD COLUMN IF NOT EXISTS window_expired Array(UInt8) AFTER window_closes;
