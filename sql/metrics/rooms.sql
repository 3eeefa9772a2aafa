-- Rooms started in [lo, hi) (the window fragment; or one room_id, see rooms-page.sql) with the
-- channel / agent filters, every column, one row each:
-- the rooms drill-down and the rooms export (Excel and CSV) read this one query.
-- * the drill-down, step 2: {{page}} keeps the page's rooms ({ids}, from rooms-page.sql;
--   room_id is the table's key, so only the granules holding them are read), no {{order}};
-- * the export: {{page}} is 1 and {{order}} "ORDER BY start_at, room_id" (or room_id for
--   big accounts, sql/metrics/stream.ts says why), all rooms in one streamed query: a page
--   merges every room state of the account again, so 1M rooms in pages of 500 would merge
--   them 2,000 times.
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
WHERE {{window}}
  AND {{filter agent}}
  AND {{page}}
{{order}}
