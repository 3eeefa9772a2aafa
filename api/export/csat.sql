-- The CSAT export: every answer whose time is in [lo, hi), the latest of its room (the
-- one the CSAT numbers count), oldest first. Same room_facts, columns and filters as the
-- CSAT responses list (sql/metrics/csat-responses.sql), streamed in one query instead of
-- keyset pages (see rooms.sql here for why). {{order}}: "at_ms, room_id" (answers are
-- a fraction of the rooms, so sorting them is cheap), or "room_id" for the biggest accounts.
SELECT
    room_id,
    toUnixTimestamp64Milli(assumeNotNull(csat_at)) AS at_ms,
    csat_score,
    csat_comment,
    csat_agent,
    channel,
    contact
FROM room_facts
WHERE csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter csat_agent}}
ORDER BY {{order}}
