-- Page {offset}/{limit} of a billing month's items of one kind, in quota order, numbered,
-- freed and priced by numbered.sql (filled in for the placeholder below by list.ts).
SELECT seq, id, ms, channel, contact_id, room_id, category, forced, last_in_ms, charged, plan_index, price
FROM
(
{{numbered}}
)
ORDER BY seq
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
