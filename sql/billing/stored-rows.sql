-- Message rows stored now per contact, for the contacts in {ch}/{ct}: how big each is
-- (which derivation it gets) and how many rows its segments should account for.
SELECT channel AS ch, contact_id AS ct, toString(count()) AS n
FROM billing_messages
WHERE account_id = {account:String}
  AND (channel, contact_id) IN (SELECT arrayJoin(arrayZip({ch:Array(String)}, {ct:Array(String)})))
GROUP BY channel, contact_id
