-- Derives the billable items of some small contacts of an account (a list or a key range,
-- each with fewer than small.ts's limit of message rows) from billing_messages in one
-- query, and writes them with version {version}: per contact its WhatsApp conversations
-- (kind 0), its visitor-months (kind 1) and one sync marker (kind 2, month 1970-01-01,
-- t 1970, id 'channel:contact_id') with the number of message rows read and the keys of
-- the items written, all from the same snapshot. Same rules and results as the fold of
-- derive.ts, which bigger contacts get (its comment states the SPEC rules).
--
-- Per contact, messages in billing order (time, inbound before outbound at the same
-- instant, then id; arraySort on the tuple gives exactly that). The fold carries (opened_at
-- of the open conversation, latest inbound, conversations); it copies its array at every
-- message, so its cost grows with messages x conversations: fine for small contacts only.
-- Times are Int64 milliseconds; 86400000 ms = 24 h; -1e15 stands for "never".
-- `hour` is the start of the item's local hour in {tz} (charges.sql counts whole hours).
-- The marker's keys ride in its own array element (it.10), so ARRAY JOIN copies no
-- array per item.
INSERT INTO billing_items (account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, version, is_deleted, hour, keys)
SELECT {account:String}, it.1, it.2, fromUnixTimestamp64Milli(it.3, 'UTC'), it.4, it.5, channel, contact_id,
       it.6, it.7, fromUnixTimestamp64Milli(greatest(it.8, 0), 'UTC'), it.9, {version:UInt64}, 0,
       if(it.1 = 2, toDateTime(0, 'UTC'), toDateTime(toStartOfHour(fromUnixTimestamp64Milli(it.3, {tz:String})), 'UTC')),
       it.10
FROM
(
    SELECT channel, contact_id,
           count() AS message_rows,
           arraySort(groupArray((toUnixTimestamp64Milli(occurred_at), outbound, id, forced_initiated, room_id))) AS msgs,
           if(channel = 'whatsapp',
              arrayFold((acc, m) -> if(m.2 = 0,
                                       (acc.1, m.1, acc.3),
                                       if(m.1 < acc.1 + 86400000,
                                          acc,
                                          (m.1, acc.2, arrayPushBack(acc.3, (m.1, m.3, toUInt8(m.4 = 1 OR acc.2 < m.1 - 86400000), m.5, m.4, acc.2))))),
                        msgs,
                        (toInt64(-1000000000000000), toInt64(-1000000000000000),
                         CAST([], 'Array(Tuple(Int64, String, UInt8, String, UInt8, Int64))'))).3,
              CAST([], 'Array(Tuple(Int64, String, UInt8, String, UInt8, Int64))')) AS conversations,
           arrayFilter(m -> m.2 = 0, msgs) AS inbound,
           arrayMap(m -> toStartOfMonth(fromUnixTimestamp64Milli(m.1, 'UTC'), {tz:String}), inbound) AS inbound_month,
           arrayFilter((m, i) -> i = 1 OR inbound_month[i] != inbound_month[i - 1], inbound, arrayEnumerate(inbound)) AS first_seen,
           -- (kind, month, t, id, category, room_id, forced, last_inbound, rows)
           arrayConcat(
               arrayMap(c -> (toUInt8(0), toStartOfMonth(fromUnixTimestamp64Milli(c.1, 'UTC'), {tz:String}), c.1, c.2, c.3, c.4, c.5, c.6, toUInt64(0)), conversations),
               arrayMap(v -> (toUInt8(1), toStartOfMonth(fromUnixTimestamp64Milli(v.1, 'UTC'), {tz:String}), v.1, v.3, toUInt8(2), v.5, toUInt8(0), toInt64(0), toUInt64(0)), first_seen)
           ) AS derived,
           arrayMap(d -> (d.1, d.2, fromUnixTimestamp64Milli(d.3, 'UTC'), d.4), derived) AS item_keys,
           arrayPushBack(
               arrayMap(d -> (d.1, d.2, d.3, d.4, d.5, d.6, d.7, d.8, d.9, CAST([], 'Array(Tuple(UInt8, Date, DateTime64(3, \'UTC\'), String))')), derived),
               (toUInt8(2), toDate('1970-01-01'), toInt64(0), concat(channel, ':', contact_id), toUInt8(0), '', toUInt8(0), toInt64(0), message_rows, item_keys)) AS items
    FROM billing_messages
    WHERE account_id = {account:String} /*contacts*/
    GROUP BY channel, contact_id
)
ARRAY JOIN items AS it
