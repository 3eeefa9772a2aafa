-- CSAT (SPEC): the latest csat.submitted of each room, counted in the bucket of its own
-- time when that is in [lo, hi) (a room answering twice counts once, with its latest
-- score); and, for the response rate, the rooms with a csat.requested in the bucket
-- (a room asked twice in one bucket counts once).
-- Per agent: the survey's agent, else the room's (csat_agent), for answers and requests
-- alike, so an agent's rate compares its own answers with its own requests.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts).
SELECT
    bucket,
    grp,
    countIf(answer_bucket = bucket) AS responses,
    avgIf(csat_score, answer_bucket = bucket) AS avg_score,
    countIf(answer_bucket = bucket AND csat_score >= 4) AS satisfied,
    sumMapIf(map(toString(csat_score), toUInt64(1)), answer_bucket = bucket) AS scores,
    countIf(has(request_buckets, bucket)) AS requested
FROM
(
    SELECT
        {{group csat_agent}} AS grp,
        csat_score,
        if(csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')}, {{bucket csat_at}}, NULL) AS answer_bucket,
        arrayDistinct(arrayMap(x -> {{bucket x}}, arrayFilter(x -> x >= {lo:DateTime64(3, 'UTC')} AND x < {hi:DateTime64(3, 'UTC')}, csat_requested))) AS request_buckets
    FROM room_facts
    WHERE ((csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')})
           OR arrayExists(x -> x >= {lo:DateTime64(3, 'UTC')} AND x < {hi:DateTime64(3, 'UTC')}, csat_requested))
      AND {{filter csat_agent}}
)
ARRAY JOIN arrayDistinct(arrayConcat(request_buckets, if(answer_bucket IS NULL, [], [assumeNotNull(answer_bucket)]))) AS bucket
GROUP BY bucket, grp
