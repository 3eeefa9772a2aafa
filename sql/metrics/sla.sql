-- Service levels (SPEC "Beyond the essentials"): rooms whose first room.assigned is in
-- [lo, hi), per group. First response: met when the first response time is at most
-- {fr_ms}; breached when over it, or when there is none yet and more than {fr_ms} has
-- passed since the assignment at {until} (min(to, now)); else pending. Resolution: the
-- same with the response time (first assignment to the latest resolve) and {res_ms}.
-- Durations are calendar or office time (room-facts.sql's {{ms}} / {{elapsed}}). A target
-- of -1 is "none": the route reports null figures for it.
SELECT
    {{group agent}} AS grp,
    count() AS rooms,
    countIf(first_response_ms IS NOT NULL AND first_response_ms <= {fr_ms:Int64}) AS fr_met,
    countIf(first_response_ms > {fr_ms:Int64} OR (first_response_ms IS NULL AND assigned_elapsed_ms > {fr_ms:Int64})) AS fr_breached,
    countIf(response_ms IS NOT NULL AND response_ms <= {res_ms:Int64}) AS res_met,
    countIf(response_ms > {res_ms:Int64} OR (response_ms IS NULL AND assigned_elapsed_ms > {res_ms:Int64})) AS res_breached
FROM room_facts
WHERE assigned_at >= {lo:DateTime64(3, 'UTC')} AND assigned_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
GROUP BY grp
ORDER BY grp
