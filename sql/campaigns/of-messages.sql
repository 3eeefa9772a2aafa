-- The campaign_id of each of the given message ids that has one (the newest stored row):
-- which campaign opened a conversation. The events key is (account_id, id).
SELECT id, c_campaign AS campaign_id
FROM
(
    SELECT id, argMax(campaign_id, keep_rank) AS c_campaign
    FROM events
    WHERE account_id = {account:String} AND id IN (SELECT arrayJoin({ids:Array(String)}))
    GROUP BY id
)
WHERE c_campaign != ''
