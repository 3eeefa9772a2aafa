-- Total chats (SPEC): rooms whose start (earliest event of any kind) is in [lo, hi), per
-- bucket of the start time, per group, by origin and channel (total-chats.ts adds the
-- rows up: plain GROUP BY keys keep the query small, and a query's analysis costs more
-- than its execution here).
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts).
SELECT
    {{bucket start_at}} AS bucket,
    {{group agent}} AS grp,
    origin,
    channel,
    count() AS rooms
FROM room_facts
WHERE start_at >= {lo:DateTime64(3, 'UTC')} AND start_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
GROUP BY bucket, grp, origin, channel
