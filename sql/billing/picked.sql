-- The items of kind {kind} of billing month {month} numbered, freed and priced exactly as
-- list.sql does, but only those with time in [{lo}, {hi}) (unix ms), and of those one row
-- per picked item (its message id in {ids}, its (channel, contact) among {chs} x {cts}
-- pairwise, or its category {cat}; -1 picks none by category) with k = its seq, and one row k = 0 summing all the others: their count n and
-- charges (rupiah). (Outer aliases repeat the inner names, so sums read item_charge.) What a campaign report needs without paging the whole month into Node.
SELECT k, any(id) AS id, any(ms) AS ms, any(channel) AS channel, any(contact_id) AS contact_id,
       any(room_id) AS room_id, any(category) AS category, any(forced) AS forced,
       any(last_in_ms) AS last_in_ms, any(charged) AS charged, any(plan_index) AS plan_index,
       any(price) AS price, count() AS n, sum(item_charge) AS charge
FROM
(
    SELECT if(picked, seq, 0) AS k, if(charged, price, 0) AS item_charge, *
    FROM
    (
        SELECT row_number() OVER (ORDER BY t, id) AS seq,
               id, toUnixTimestamp64Milli(t) AS ms, channel, contact_id, room_id, category, forced,
               toUnixTimestamp64Milli(last_inbound_at) AS last_in_ms,
               seq > {free:UInt64} AS charged,
               arrayCount(p -> p <= ms, {plan_ms:Array(Int64)}) AS plan_index,
               multiIf(category = 0, {plan_svc:Array(UInt32)}[plan_index], category = 1, {plan_ini:Array(UInt32)}[plan_index], {plan_muv:Array(UInt32)}[plan_index]) AS price,
               id IN (SELECT arrayJoin({ids:Array(String)})) OR (toString(channel), contact_id) IN (SELECT arrayJoin(arrayZip({chs:Array(String)}, {cts:Array(String)})))
                  OR toInt16(category) = {cat:Int16} AS picked
        FROM billing_items FINAL
        WHERE account_id = {account:String} AND kind = {kind:UInt8} AND month = {month:Date}
    )
    WHERE ms >= {lo:Int64} AND ms < {hi:Int64}
)
GROUP BY k
ORDER BY k
