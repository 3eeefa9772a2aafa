-- First response time (SPEC): for each room whose first room.assigned is in [lo, hi)
-- and that has an outbound agent message at or after it, the time from that assignment
-- to the first such message (first_response_ms: calendar or office time). Exact
-- percentiles as in response-time.sql; per bucket of the assignment time.
SELECT
    {{bucket assigned_at}} AS bucket,
    {{group agent}} AS grp,
    count() AS count,
    avg(first_response_ms) / 1000 AS avg_s,
    quantilesExactInclusive(0.5, 0.9)(first_response_ms) AS q_ms
FROM room_facts
WHERE assigned_at >= {lo:DateTime64(3, 'UTC')} AND assigned_at < {hi:DateTime64(3, 'UTC')}
  AND first_response_ms IS NOT NULL
  AND {{filter agent}}
GROUP BY bucket, grp
