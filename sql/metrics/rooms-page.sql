-- The rooms drill-down, step 1: which rooms are on the page. Rooms started in [lo, hi),
-- filtered, sorted by {{sort_key}} (a whitelisted column, negated for descending order;
-- rooms without a value last) then room_id, paged by keyset: {{after}} keeps the rows
-- after the cursor's (sort_null, sort_key, room_id). Optional filters are off at -1 / 0.
-- The window fragment is the start window, or one room_id (a link to a room's row, whenever it began), or the rooms with a window closed unanswered (fragments.ts EXPIRED_TEST).
-- Only cheap columns are read here; rooms.sql then reads the page's rooms in full.
-- `total` counts every room of the filters, before the cursor and the limit: the page
-- tells how many rooms there are in all.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts, rooms.ts).
SELECT room_id, sort_key, sort_null, total
FROM
(
    SELECT
        room_id,
        {{sort_key}} AS sort_key,
        isNull(sort_key) AS sort_null,
        count() OVER () AS total
    FROM room_facts
    WHERE {{window}}
      AND {{filter agent}}
      AND ({min_response_ms:Int64} < 0 OR response_ms >= {min_response_ms:Int64})
      AND ({max_csat:UInt8} = 0 OR (csat_score >= 1 AND csat_score <= {max_csat:UInt8}))
      AND ({min_csat:UInt8} = 0 OR csat_score >= {min_csat:UInt8})
      AND ({resolved:Int8} < 0 OR toInt8(resolved_at IS NOT NULL) = {resolved:Int8})
      AND ({assigned:Int8} < 0 OR toInt8(agent != '') = {assigned:Int8})
      -- sla=breached (sla.sql's rule): over a target, or not done with more than it passed at {until}; -1 = no target
      AND ({sla_breached:UInt8} = 0
           OR ({fr_ms:Int64} >= 0 AND (first_response_ms > {fr_ms:Int64} OR (first_response_ms IS NULL AND assigned_elapsed_ms > {fr_ms:Int64})))
           OR ({res_ms:Int64} >= 0 AND (response_ms > {res_ms:Int64} OR (response_ms IS NULL AND assigned_elapsed_ms > {res_ms:Int64}))))
)
WHERE {{after}}
ORDER BY sort_null, sort_key, room_id
LIMIT {limit:UInt32}
