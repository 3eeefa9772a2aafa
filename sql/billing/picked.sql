-- The items of kind {kind} of billing month {month}, numbered, freed and priced by
-- numbered.sql (as list.sql's pages are), with time in [{lo}, {hi}) (unix ms): one row
-- per picked item (its message id in {ids}, its (channel, contact) among {chs} x {cts}
-- pairwise, or its category {cat}, -1 for none) with k = its seq, and one row k = 0
-- summing all the others: their count n and charges (rupiah). What a campaign report needs
-- without paging the whole month into Node. (Outer aliases repeat the inner names, so the
-- sum reads item_charge.)
SELECT k, any(id) AS id, any(ms) AS ms, any(channel) AS channel, any(contact_id) AS contact_id,
       any(room_id) AS room_id, any(category) AS category, any(forced) AS forced,
       any(last_in_ms) AS last_in_ms, any(charged) AS charged, any(plan_index) AS plan_index,
       any(price) AS price, count() AS n, sum(item_charge) AS charge
FROM
(
    SELECT if(picked, seq, 0) AS k, if(charged, price, 0) AS item_charge, *
    FROM
    (
        SELECT *,
               id IN (SELECT arrayJoin({ids:Array(String)})) OR (toString(channel), contact_id) IN (SELECT arrayJoin(arrayZip({chs:Array(String)}, {cts:Array(String)})))
                  OR toInt16(category) = {cat:Int16} AS picked
        FROM
        (
{{numbered}}
        )
    )
    WHERE ms >= {lo:Int64} AND ms < {hi:Int64}
)
GROUP BY k
ORDER BY k
