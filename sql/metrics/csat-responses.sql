-- CSAT answers whose time is in [lo, hi): the latest answer of each room (the one the
-- CSAT numbers count). The CSAT responses list and the CSAT export read this one query:
-- * the list: newest first ({{order}} "at_ms DESC, room_id DESC"), paged by keyset:
--   {{after}} keeps the rows after the cursor's (at_ms, room_id), {{limit}} a page;
-- * the export: {{after}} 1, no {{limit}}, oldest first ("at_ms, room_id"; answers are a
--   fraction of the rooms, so sorting them is cheap), or "room_id" for the biggest accounts.
-- max_score 0 = no score filter.
-- Reads room_facts; {{...}} are fixed fragments (sql/metrics/fragments.ts, csat-responses.ts).
SELECT
    room_id,
    toUnixTimestamp64Milli(assumeNotNull(csat_at)) AS at_ms,
    csat_score,
    csat_comment,
    csat_agent,
    channel,
    contact
FROM room_facts
WHERE csat_at >= {lo:DateTime64(3, 'UTC')} AND csat_at < {hi:DateTime64(3, 'UTC')}
  AND {{filter csat_agent}}
  AND ({max_score:UInt8} = 0 OR csat_score <= {max_score:UInt8})
  AND {{after}}
ORDER BY {{order}}
{{limit}}
