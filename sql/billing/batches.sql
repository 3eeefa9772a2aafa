-- How small.ts cuts a whole account for the SQL fold, in one read of the key columns:
-- the contacts with at least {small} message rows (big = 1: derived in pages instead),
-- and the contacts that end a batch (big = 0): where the running count of rows, in key
-- order, passes a multiple of {batch}. A batch is then the contacts after the previous
-- such contact up to this one (the last runs to the end), about {batch} rows.
SELECT channel AS ch, contact_id AS ct, toUInt8(n >= {small:UInt64}) AS big
FROM
(
    SELECT channel, contact_id, count() AS n,
           sum(n) OVER (ORDER BY channel, contact_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
    FROM billing_messages
    WHERE account_id = {account:String}
    GROUP BY channel, contact_id
)
WHERE n >= {small:UInt64} OR intDiv(cum, {batch:UInt64}) != intDiv(cum - n, {batch:UInt64})
ORDER BY channel, contact_id
