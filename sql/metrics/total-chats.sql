-- Total chats (SPEC): rooms whose start (earliest event of any kind) is in [lo, hi),
-- by origin and by channel, per bucket of the start time and per group.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts).
SELECT
    {{bucket start_at}} AS bucket,
    {{group agent}} AS grp,
    count() AS total_chats,
    sumMap(map(origin, toUInt64(1))) AS by_origin,
    sumMap(map(channel, toUInt64(1))) AS by_channel
FROM room_facts
WHERE start_at >= {lo:DateTime64(3, 'UTC')} AND start_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
GROUP BY bucket, grp
