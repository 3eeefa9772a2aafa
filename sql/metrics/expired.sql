-- Expired windows, counted per group: rooms with a window that closed in the period
-- (rooms_with_inbound) and rooms with one that closed unanswered (expired_unanswered).
-- The windows of each room are kept with its facts (room_day_facts.window_closes and
-- window_expired, sql/migrations/034_room_windows.sql); room_facts is read over the
-- window widened 24 h back, so a room whose last message was the day before the period
-- is still found. Channel and agent are the room's. {{expired}} (fragments.ts) is the
-- "closed unanswered in [close_lo, hi)" test, which rooms?expired=true shares.
SELECT
    {{group agent}} AS grp,
    count() AS rooms_with_inbound,
    countIf({{expired}}) AS expired_unanswered
FROM room_facts
WHERE arrayExists(c -> c >= {close_lo:DateTime64(3, 'UTC')} AND c < {hi:DateTime64(3, 'UTC')}, window_closes)
  AND {{filter agent}}
GROUP BY grp
ORDER BY grp
