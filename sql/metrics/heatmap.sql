-- Rooms started in [lo, hi) by local weekday (1 = Monday) and hour of day in {tz}.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts).
SELECT
    toDayOfWeek(start_at, 0, {tz:String}) AS weekday,
    toHour(start_at, {tz:String}) AS hour,
    count() AS rooms
FROM room_facts
WHERE start_at >= {lo:DateTime64(3, 'UTC')} AND start_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter agent}}
GROUP BY weekday, hour
