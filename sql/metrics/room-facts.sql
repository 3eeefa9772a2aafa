-- room_facts: one plain row per room of {account}, from room_state (the encodings are
-- described in sql/migrations/010_room_state.sql). Metric queries read it as a CTE:
-- sql/metrics/query.ts puts it in front, cut down to the columns the query uses
-- (prune.ts), so each query reads and analyses only what it needs. The file is also a
-- complete query on its own (the exports read it whole).
--
-- FINAL merges the rows of one room that background merges have not combined yet. Every
-- column is a SimpleAggregateFunction, so FINAL merges plain values, and ranges of the
-- sort key that only one part covers are read without merging: several times cheaper
-- than GROUP BY room_id over every room of the account.
--
-- Bound parameters: account; for office_ms atz, oh_dow, oh_from, oh_to. Fixed fragments
-- filled in by query.ts:
--   {{ms a b}}  milliseconds from a to b: calendar time, or office time (office_ms)
WITH
    -- office_ms(a, b): milliseconds of [a, b) inside office spans: for each local day from
    -- a's to b's (in the account's time zone {atz}), the overlap of [a, b) with each span
    -- of that weekday. Spans: oh_dow (ISO weekday, 1 = Monday), oh_from / oh_to (minutes
    -- from local midnight, [from, to), 1440 = end of day), not overlapping.
    (a, b) -> toInt64(arraySum(d -> arraySum(i -> greatest(0,
            least(toUnixTimestamp64Milli(b), toInt64(toUnixTimestamp(makeDateTime(toYear(d), toMonth(d), toDayOfMonth(d), intDiv({oh_to:Array(UInt16)}[i], 60), {oh_to:Array(UInt16)}[i] % 60, 0, {atz:String}))) * 1000)
            - greatest(toUnixTimestamp64Milli(a), toInt64(toUnixTimestamp(makeDateTime(toYear(d), toMonth(d), toDayOfMonth(d), intDiv({oh_from:Array(UInt16)}[i], 60), {oh_from:Array(UInt16)}[i] % 60, 0, {atz:String}))) * 1000)),
          arrayFilter(i -> {oh_dow:Array(UInt8)}[i] = toDayOfWeek(d), arrayEnumerate({oh_dow:Array(UInt8)}))),
        arrayMap(k -> addDays(toDate(a, {atz:String}), k), range(toUInt32(dateDiff('day', toDate(a, {atz:String}), toDate(b, {atz:String})) + 1)))))
    AS office_ms
SELECT
    room_id,
    started_at AS start_at,
    -- origin_code (see the migration): SPEC origin = room.opened.origin, else from the
    -- first message. A room with neither (only assignment / resolve / CSAT events so far)
    -- has no channel ('') and counts as outbound.
    origin_code = 18446744073709551615 AS no_origin_,
    if(no_origin_, 'outbound', ['inbound', 'broadcast', 'outbound'][bitAnd(bitShiftRight(origin_code, 4), 3) + 1]) AS origin,
    if(no_origin_, '', ['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line'][bitAnd(origin_code, 15) + 1]) AS channel,
    contact_id AS contact,
    first_assigned_at AS assigned_at,
    substring(last_assigned, position(last_assigned, '\0') + 1) AS last_agent,
    resolved_at,
    substring(resolved, position(resolved, '\0') + 1) AS resolver,
    -- SPEC "per agent": the agent that resolved the room, else the last assigned one ('' = none)
    if(resolver != '', resolver, last_agent) AS agent,
    -- first outbound agent message at or after the first assignment: usually the earliest
    -- agent message; the whole set is searched only when an agent wrote before that
    multiIf(assigned_at IS NULL OR first_agent_reply IS NULL, NULL,
            first_agent_reply >= assigned_at, first_agent_reply,
            arrayMin(arrayFilter(x -> x >= assigned_at, arrayPushBack(agent_replies, toDateTime64('2299-12-31 00:00:00', 3, 'UTC'))))) AS reply_candidate_,
    if(reply_candidate_ >= toDateTime64('2299-12-31 00:00:00', 3, 'UTC'), NULL, reply_candidate_) AS first_response_at,
    csat_requests AS csat_requested,
    substring(csat, position(csat, '\0') + 1) AS csat_payload_,
    -- csat_code: the latest answer's time and score; the string: its agent and comment
    if(csat_code = 0, NULL, fromUnixTimestamp64Milli(toInt64(bitShiftRight(csat_code, 18)) - 2208988800000, 'UTC')) AS csat_at,
    toUInt8(bitAnd(csat_code, 7)) AS csat_score,
    substring(csat_payload_, 5, toUInt32OrZero(substring(csat_payload_, 1, 4))) AS csat_own_agent_,
    substring(csat_payload_, 5 + length(csat_own_agent_)) AS csat_comment,
    -- SPEC: the survey's own agent_id, else the room's resolving or last assigned agent
    if(csat_own_agent_ != '', csat_own_agent_, agent) AS csat_agent,
    -- SPEC response time: latest resolve minus first assignment; a room first assigned
    -- after its latest resolve has none
    if(resolved_at IS NULL OR assigned_at IS NULL OR resolved_at < assigned_at, NULL, {{ms assigned_at resolved_at}}) AS response_ms,
    if(first_response_at IS NULL, NULL, {{ms assigned_at first_response_at}}) AS first_response_ms
FROM room_state FINAL
WHERE account_id = {account:String}
