-- One page of an account's billing messages for the fold in derive.ts: the first {n} rows
-- after ({c0}, {k0}, instant {t0} ms) in (channel, contact_id, occurred_at) order. A full
-- page may end inside an instant of its last contact; derive.ts leaves that instant to the
-- next page, so segments end at instants and a message row stored twice never straddles
-- two. (Not LIMIT ... WITH TIES: measured on one contact of 1M rows, WITH TIES read every
-- row after {t0}, 100 ms a page at the start against 40 ms anywhere without it, which made
-- a whole derivation quadratic.) derive.ts narrows it to some contacts
-- (scope-contacts.sql) or to one (scope-contact.sql). The primary key is (account_id,
-- channel, contact_id, occurred_at, ...), so a page is one index range read in order,
-- whatever its offset in a contact's history.
--
-- One row per contact of the page, its messages as parallel arrays in billing order
-- (SPEC: time, inbound before outbound at one instant, then id; arraySort of the tuple,
-- as items.sql does): measured on 20k rows, 34 ms to fetch and parse against 117 ms for
-- a JSON object per message, and the parse runs on the server's one JS thread. Times are
-- Float64 ms (exact below 2^53 ms, and JSON numbers, not quoted Int64); `months` is each
-- message's local month in {tz} as days since 1970 (MUV's first message of the month;
-- the month of an item).
SELECT channel, contact_id,
       arrayMap(m -> toFloat64(m.1), msgs) AS ms,
       arrayMap(m -> m.2, msgs) AS outbound,
       arrayMap(m -> m.3, msgs) AS ids,
       arrayMap(m -> m.4, msgs) AS forced,
       arrayMap(m -> m.5, msgs) AS rooms,
       arrayMap(m -> toUInt16(toStartOfMonth(fromUnixTimestamp64Milli(m.1, 'UTC'), {tz:String})), msgs) AS months
FROM
(
    SELECT channel, contact_id, arraySort(groupArray((toUnixTimestamp64Milli(occurred_at), outbound, id, forced_initiated, room_id))) AS msgs
    FROM
    (
        SELECT channel, contact_id, occurred_at, outbound, id, forced_initiated, room_id
        FROM billing_messages
        WHERE account_id = {account:String} /*contacts*/
          AND (channel > {c0:String}
               OR (channel = {c0:String} AND (contact_id > {k0:String}
                                              OR (contact_id = {k0:String} AND occurred_at > fromUnixTimestamp64Milli({t0:Int64}, 'UTC')))))
        ORDER BY channel, contact_id, occurred_at
        LIMIT {n:UInt32}
    )
    GROUP BY channel, contact_id
)
ORDER BY channel, contact_id
