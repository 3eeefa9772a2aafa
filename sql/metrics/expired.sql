-- Expired windows, counted per group: rooms with a window that closed in the period
-- (rooms_with_inbound) and rooms with one that closed unanswered (expired_unanswered);
-- channel and agent are the room's (room_facts over the widened window, so a room whose
-- last message was the day before the period is still found). The expired_rooms fragment is
-- expired-rooms.sql.
SELECT
    {{group agent}} AS grp,
    countIf(length(v.closes) > 0) AS rooms_with_inbound,
    countIf(v.expired = 1) AS expired_unanswered
FROM ({{expired_rooms}}) AS v
INNER JOIN room_facts ON room_facts.room_id = v.room_id
WHERE length(v.closes) > 0
  AND {{filter agent}}
GROUP BY grp
ORDER BY grp
