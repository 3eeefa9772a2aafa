-- Every item of kind {kind} (0 conversations, 1 visitors) of billing month {month}, in
-- quota order (time, then message id), numbered from 1 (seq): the first {free} are free
-- (quota.sql), the rest charged at the price of the plan in force at its time (index into
-- the {plan_*} arrays, 1 = default plan), rupiah. A part of list.sql and picked.sql
-- (they put it in place of their numbered-items placeholder), so both number, free and
-- price the items the same way.
SELECT row_number() OVER (ORDER BY t, id) AS seq,
       id, toUnixTimestamp64Milli(t) AS ms, channel, contact_id, room_id, category, forced,
       toUnixTimestamp64Milli(last_inbound_at) AS last_in_ms,
       seq > {free:UInt64} AS charged,
       arrayCount(p -> p <= ms, {plan_ms:Array(Int64)}) AS plan_index,
       multiIf(category = 0, {plan_svc:Array(UInt32)}[plan_index], category = 1, {plan_ini:Array(UInt32)}[plan_index], {plan_muv:Array(UInt32)}[plan_index]) AS price
FROM billing_items FINAL
WHERE account_id = {account:String} AND kind = {kind:UInt8} AND month = {month:Date}
