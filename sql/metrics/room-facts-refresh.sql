-- Recomputes the facts of some rooms from room_state (and their 24 h windows from
-- room_windows, sql/migrations/034) and writes them to room_day_facts,
-- one row per event day of each room (sql/migrations/033_room_day_facts.sql). The
-- encodings of room_state are described in sql/migrations/010_room_state.sql.
--
-- FINAL merges the rows of one room that background merges have not combined yet; every
-- column is a SimpleAggregateFunction, so it merges plain values.
--
-- The rooms placeholder in WHERE: a fixed condition from room-facts-refresh.ts (bound arrays of accounts and
-- room ids, the rooms of recent batches, or every room).
INSERT INTO room_day_facts (account_id, day, room_id, days, start_at, origin, channel, contact, assigned_at, last_agent,
                            resolved_at, resolver, agent, first_response_at, csat_requested, csat_at, csat_score,
                            csat_comment, csat_agent, window_closes, window_expired, version)
SELECT
    account_id,
    arrayJoin(days) AS day,
    room_id,
    days,
    start_at,
    origin,
    channel,
    contact,
    assigned_at,
    last_agent,
    resolved_at,
    resolver,
    agent,
    first_response_at,
    csat_requested,
    csat_at,
    csat_score,
    csat_comment,
    csat_agent,
    -- SPEC "Expired windows": m's window closes at m + 24 h when no inbound message of the
    -- room follows within 24 h; it expired unanswered when no agent / bot message is in
    -- (m, m + 24 h]. (groupUniqArray keeps one of several inbound messages at one instant:
    -- the same closes.)
    arrayMap(m -> m + toIntervalDay(1),
             arrayFilter((m, i) -> i = length(ins_) OR ins_[i + 1] > m + toIntervalDay(1), ins_, arrayEnumerate(ins_))) AS window_closes,
    arrayMap(c -> toUInt8(NOT arrayExists(o -> o > c - toIntervalDay(1) AND o <= c, outs_)), window_closes) AS window_expired,
    now64(6) AS version
FROM
(
    SELECT
        account_id,
        room_id,
        days,
        started_at AS start_at,
        -- origin_code: SPEC origin = room.opened.origin, else from the first message. A
        -- room with neither (only assignment / resolve / CSAT events so far) has no
        -- channel ('') and counts as outbound.
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
        -- first outbound agent message at or after the first assignment: usually the
        -- earliest agent message; the whole set is searched only when an agent wrote before
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
        arraySort(w.inbound) AS ins_,
        arraySort(w.answers) AS outs_
    FROM (SELECT * FROM room_state FINAL WHERE {{rooms}}) AS rs
    LEFT JOIN (SELECT account_id, room_id, inbound, answers FROM room_windows FINAL WHERE {{rooms}}) AS w USING (account_id, room_id)
)
