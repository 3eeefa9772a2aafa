-- room_facts: one plain row per room of {account} with an event in the UTC days of the
-- window [lo, hi), from room_day_facts (sql/migrations/033_room_day_facts.sql): its cost
-- follows the window, not the account's history. Metric queries read it as a CTE:
-- sql/metrics/query.ts puts it in front, cut down to the columns the query uses
-- (prune.ts), so each query reads and analyses only what it needs. The file is also a
-- complete query on its own (the exports read it whole).
--
-- FINAL keeps the newest refresh of each (day, room) row; the rows of one room are all
-- equal (every refresh rewrites all of them), so any one row per room will do.
--
-- Bound parameters: account, lo, hi; for office_ms atz, oh_dow, oh_from, oh_to. Fixed fragments
-- filled in by query.ts:
--   {{ms a b}}  milliseconds from a to b: calendar time, or office time (office_ms)
--   {{elapsed a}}  milliseconds from a to {until}, the same way
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
    -- SPEC response time: latest resolve minus first assignment; a room first assigned
    -- after its latest resolve has none
    if(resolved_at IS NULL OR assigned_at IS NULL OR resolved_at < assigned_at, NULL, {{ms assigned_at resolved_at}}) AS response_ms,
    if(first_response_at IS NULL, NULL, {{ms assigned_at first_response_at}}) AS first_response_ms,
    -- service levels: time from the first assignment to {until} (min(to, now)), calendar
    -- or office time; what a room still waiting has already taken
    if(assigned_at IS NULL OR assigned_at > {until:DateTime64(3, 'UTC')}, NULL, {{elapsed assigned_at}}) AS assigned_elapsed_ms,
    -- expired windows: the ends of the room's 24 h windows that closed, and 1 for each
    -- that closed unanswered (sql/migrations/034_room_windows.sql)
    window_closes,
    window_expired
FROM room_day_facts FINAL
WHERE account_id = {account:String}
  -- the window's UTC days (hi is exclusive, so its own day only when it is not midnight)
  AND day >= toDate({lo:DateTime64(3, 'UTC')}) AND day <= toDate({hi:DateTime64(3, 'UTC')} - toIntervalMillisecond(1))
  -- one row per room: the one of its first event day inside those days
  AND day = arrayMin(arrayFilter(d -> d >= toDate({lo:DateTime64(3, 'UTC')}), days))
