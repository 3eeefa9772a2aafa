-- CSAT (SPEC): the latest csat.submitted of each room, counted in the bucket of its own
-- time when that is in [lo, hi) (a room answering twice counts once, with its latest
-- score); and, for the response rate, the rooms with a csat.requested in the bucket (a
-- room asked twice in one bucket counts once). Rows per (bucket, group, score): score 1-5
-- counts answers, score 0 counts rooms asked; csat.ts derives the rest.
-- Per agent: the survey's agent, else the room's (csat_agent), for answers and requests
-- alike, so an agent's rate compares its own answers with its own requests.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts).
SELECT
    bucket,
    grp,
    score,
    count() AS n
FROM
(
    SELECT
        {{group csat_agent}} AS grp,
        arrayConcat(
            if(csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')}, [({{bucket csat_at}}, csat_score)], []),
            arrayMap(b -> (b, toUInt8(0)), arrayDistinct(arrayMap(x -> {{bucket x}}, arrayFilter(x -> x >= {lo:DateTime64(3, 'UTC')} AND x < {hi:DateTime64(3, 'UTC')}, csat_requested))))
        ) AS events
    FROM room_facts
    WHERE ((csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')})
           OR arrayExists(x -> x >= {lo:DateTime64(3, 'UTC')} AND x < {hi:DateTime64(3, 'UTC')}, csat_requested))
      AND {{filter csat_agent}}
)
ARRAY JOIN events.1 AS bucket, events.2 AS score
GROUP BY bucket, grp, score
