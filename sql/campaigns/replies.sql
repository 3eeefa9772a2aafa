-- Inbound messages of the given (channel, contact) pairs in [{lo}, {hi}) (ms), one row per
-- message id, oldest first: what a campaign's reply rate looks for.
SELECT c_channel AS channel, c_contact AS contact_id, ms
FROM
(
    SELECT id,
           argMax(channel, keep_rank) AS c_channel,
           argMax(contact_id, keep_rank) AS c_contact,
           argMax(direction, keep_rank) AS c_direction,
           toUnixTimestamp64Milli(argMax(occurred_at, keep_rank)) AS ms
    FROM events
    WHERE account_id = {account:String} AND type = 'message'
      AND occurred_at >= fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
      AND (channel, contact_id) IN (SELECT arrayJoin(arrayZip({chs:Array(String)}, {cts:Array(String)})))
    GROUP BY id
)
WHERE c_direction = 'inbound'
ORDER BY ms
