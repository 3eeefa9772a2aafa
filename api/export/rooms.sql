-- The rooms export: every room started in [lo, hi), one row each. The
-- same room_facts (sql/metrics/room-facts.sql, put in front by api/export/facts.ts) and
-- the same columns and filters as the rooms drill-down (sql/metrics/rooms.sql), but in
-- one streamed query instead of keyset pages: a page of the drill-down merges every room
-- state of the account again, so 1M rooms in pages of 500 would merge them 2,000 times.
-- {{filter agent}}: the channel / agent filters (sql/metrics/fragments.ts); {{order}}:
-- "start_at, room_id", or "room_id" for big accounts (api/export/facts.ts says why).
SELECT
    room_id,
    toUnixTimestamp64Milli(start_at) AS started_ms,
    channel,
    contact,
    origin,
    agent,
    toUnixTimestamp64Milli(assigned_at) AS assigned_ms,
    first_response_ms,
    toUnixTimestamp64Milli(resolved_at) AS resolved_ms,
    response_ms,
    csat_score,
    csat_comment
FROM room_facts
WHERE start_at >= {lo:DateTime64(3, 'UTC')} AND start_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
ORDER BY {{order}}
