-- The WhatsApp messages of the given contacts before {hi} (ms), per contact: inbound times
-- and the times of agent or bot replies, sorted; one row per message id (the newest
-- stored row). Enough to tell, for a conversation opened at t, whether the contact's
-- previous window (after its latest inbound message before t) expired unanswered.
SELECT c_contact AS contact_id,
       arraySort(groupArrayIf(ms, c_direction = 'inbound')) AS ins,
       arraySort(groupArrayIf(ms, c_direction = 'outbound' AND c_sender IN ('agent', 'bot'))) AS outs
FROM
(
    SELECT id,
           argMax(contact_id, keep_rank) AS c_contact,
           argMax(direction, keep_rank) AS c_direction,
           argMax(sender, keep_rank) AS c_sender,
           toUnixTimestamp64Milli(argMax(occurred_at, keep_rank)) AS ms
    FROM events
    WHERE account_id = {account:String} AND type = 'message' AND channel = 'whatsapp'
      AND contact_id IN (SELECT arrayJoin({cts:Array(String)}))
      AND occurred_at < fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
    GROUP BY id
)
GROUP BY contact_id
