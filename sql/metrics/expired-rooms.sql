-- Expired windows (SPEC "Beyond the essentials"), per room: a room's 24 h window expires
-- unanswered at m + 24 h when m is an inbound message of the room, no inbound message of
-- the room follows within 24 h, and no outbound message with sender agent or bot is in
-- (m, m + 24 h]. `closes` are the m whose window closes in [{close_lo}, {hi}); `expired`
-- is 1 when one of them closed unanswered. Messages come from `events` (deduplicated by
-- id, the newest stored row), [{lo}, {hi}) with lo = close_lo - 24 h: every m that can
-- close in the window and every message that can follow it.
-- A fragment: expired.sql and the rooms drill-down (rooms?expired=true) read it.
SELECT
    room_id,
    arrayFilter((m, i) -> m + toIntervalDay(1) >= {close_lo:DateTime64(3, 'UTC')} AND m + toIntervalDay(1) < {hi:DateTime64(3, 'UTC')}
                          AND (i = length(ins) OR ins[i + 1] > m + toIntervalDay(1)), ins, arrayEnumerate(ins)) AS closes,
    toUInt8(arrayExists(m -> NOT arrayExists(o -> o > m AND o <= m + toIntervalDay(1), outs), closes)) AS expired
FROM
(
    SELECT
        room_id,
        arraySort(groupArrayIf(t, direction = 'inbound')) AS ins,
        arraySort(groupArrayIf(t, direction = 'outbound' AND sender IN ('agent', 'bot'))) AS outs
    FROM
    (
        SELECT argMax(room_id, keep_rank) AS room_id, argMax(occurred_at, keep_rank) AS t, argMax(direction, keep_rank) AS direction, argMax(sender, keep_rank) AS sender
        FROM events
        WHERE account_id = {account:String} AND type = 'message'
          AND occurred_at >= {lo:DateTime64(3, 'UTC')} AND occurred_at < {hi:DateTime64(3, 'UTC')}
        GROUP BY id
    )
    GROUP BY room_id
)
