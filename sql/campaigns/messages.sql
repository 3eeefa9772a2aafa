-- Messages that carry a campaign_id, sent in [{lo}, {hi}) (ms), one row per message id
-- (the newest stored row of an id), oldest first. The outbound ones are a campaign's
-- sends; all of them say which campaign opened a conversation (its opening message's
-- campaign_id: conversations opened in the period open with a message in [lo, hi)).
-- (The inner aliases differ from the columns: ClickHouse would read an alias in WHERE.)
SELECT id, c_campaign AS campaign_id, c_channel AS channel, c_contact AS contact_id, ms, toUInt8(c_direction = 'outbound') AS outbound
FROM
(
    SELECT id,
           argMax(campaign_id, keep_rank) AS c_campaign,
           argMax(channel, keep_rank) AS c_channel,
           argMax(contact_id, keep_rank) AS c_contact,
           argMax(direction, keep_rank) AS c_direction,
           toUnixTimestamp64Milli(argMax(occurred_at, keep_rank)) AS ms
    FROM events
    WHERE account_id = {account:String} AND type = 'message'
      AND occurred_at >= fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
      AND campaign_id != ''
    GROUP BY id
)
WHERE c_campaign != ''
ORDER BY ms, id
