-- The contacts whose stored message rows differ from the rows their items were derived
-- from (their sync marker; none yet counts as 0): exactly the contacts to re-derive.
SELECT c.channel AS channel, c.contact_id AS contact_id
FROM
(
    SELECT channel, contact_id, sum(rows) AS stored
    FROM billing_contact_rows
    WHERE account_id = {account:String}
    GROUP BY channel, contact_id
) AS c
LEFT JOIN
(
    SELECT channel, contact_id, rows AS derived
    FROM billing_items FINAL
    WHERE account_id = {account:String} AND kind = 2
) AS s ON c.channel = s.channel AND c.contact_id = s.contact_id
WHERE c.stored != s.derived
LIMIT {limit:UInt32}
