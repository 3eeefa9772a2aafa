-- The rooms drill-down, step 2: every column of the page's rooms ({ids}, from
-- rooms-page.sql). room_id is the table's key, so only the granules holding them are read.
-- Reads room_facts (sql/metrics/query.ts puts it in front).
SELECT
    room_id,
    toUnixTimestamp64Milli(start_at) AS started_ms,
    channel,
    contact,
    origin,
    agent,
    toUnixTimestamp64Milli(assigned_at) AS assigned_ms,
    first_response_ms,
    toUnixTimestamp64Milli(resolved_at) AS resolved_ms,
    response_ms,
    csat_score,
    csat_comment
FROM room_facts
WHERE room_id IN (SELECT arrayJoin({ids:Array(String)}))
