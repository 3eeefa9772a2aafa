-- Writes one page of derive.ts at version {version}: {data} is JSONCompactEachRow text, a
-- row per item (kind 0 conversation, 1 visitor), segment marker and directory (kind 2,
-- month 1970-01-01; see migration 023). Times come as Int64 ms (UTC): exact, whatever the
-- input format settings. `month` is the one page.sql read for the message; `hour` (the
-- start of its local hour in {tz}, for billing_item_hours) is cut here, as before.
INSERT INTO billing_items (account_id, kind, month, t, id, category, channel, contact_id, room_id, forced, last_inbound_at, rows, version, is_deleted, hour, keys, segs)
SELECT {account:String}, kind, month, fromUnixTimestamp64Milli(t, 'UTC'), id, category, channel, contact_id, room_id, forced,
       fromUnixTimestamp64Milli(last_in, 'UTC'), rows, {version:UInt64}, 0,
       if(kind = 2, toDateTime(0, 'UTC'), toDateTime(toStartOfHour(fromUnixTimestamp64Milli(t, {tz:String})), 'UTC')),
       arrayMap(k -> (k.1, k.2, fromUnixTimestamp64Milli(k.3, 'UTC'), k.4), keys), segs
FROM format(JSONCompactEachRow,
            'kind UInt8, month Date, t Int64, id String, category UInt8, channel String, contact_id String, room_id String, forced UInt8, last_in Int64, rows UInt64, keys Array(Tuple(UInt8, Date, Int64, String)), segs Array(Tuple(Int64, UInt64, Int64, Int64, Date))',
            {data:String})
