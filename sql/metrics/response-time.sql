-- Response time (SPEC headline): for each room whose latest room.resolved is in [lo, hi)
-- and that was assigned, resolved_at minus the first room.assigned (response_ms: calendar
-- or office time, see room-facts.sql). Exact percentiles, linear between closest ranks
-- (Excel PERCENTILE.INC). Seconds with milliseconds kept; per bucket of the resolve time.
-- `resolved` counts every room resolved in the window, assigned or not (response_ms is
-- NULL for the others, which count(), avg and the quantiles skip).
SELECT
    {{bucket resolved_at}} AS bucket,
    {{group agent}} AS grp,
    count(response_ms) AS count,
    count() AS resolved,
    avg(response_ms) / 1000 AS avg_s,
    quantilesExactInclusive(0.5, 0.9)(response_ms) AS q_ms
FROM room_facts
WHERE resolved_at >= {lo:DateTime64(3, 'UTC')} AND resolved_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
GROUP BY bucket, grp
