-- Each top-up and adjustment with {lo_ms} <= time < {hi_ms} (ms), oldest first (ties: id),
-- with its reference or reason; an id stored twice is listed once, as stored first (SPEC:
-- the first one stored stays), as money.sql counts it. `total` is the count before the page.
SELECT id, toUnixTimestamp64Milli(t) AS ms, kind, amount, reference, reason, count() OVER () AS total
FROM
(
    SELECT id,
           argMin(occurred_at, ingested_at) AS t,
           argMin(kind, ingested_at) AS kind,
           argMin(amount, ingested_at) AS amount,
           argMin(reference, ingested_at) AS reference,
           argMin(reason, ingested_at) AS reason
    FROM billing_money
    WHERE account_id = {account:String}
    GROUP BY id
)
WHERE toUnixTimestamp64Milli(t) >= {lo_ms:Int64} AND toUnixTimestamp64Milli(t) < {hi_ms:Int64}
ORDER BY t, id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
