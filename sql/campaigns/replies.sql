-- Inbound messages of the given (channel, contact) pairs in [{lo}, {hi}) (ms), oldest
-- first: what a campaign's reply rate looks for. Read from billing_messages (every inbound
-- message of any channel, sql/migrations/020_billing.sql), whose key starts with
-- (account_id, channel, contact_id): each contact is an index range, where `events`
-- (keyed by id) had a month of the account scanned (~220 ms at 10M events). A message
-- stored twice repeats a time, which changes no first reply.
SELECT toString(channel) AS channel, contact_id, toUnixTimestamp64Milli(occurred_at) AS ms
FROM billing_messages
WHERE account_id = {account:String} AND outbound = 0
  AND (channel, contact_id) IN (SELECT arrayJoin(arrayZip({chs:Array(String)}, {cts:Array(String)})))
  AND occurred_at >= fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
ORDER BY ms
