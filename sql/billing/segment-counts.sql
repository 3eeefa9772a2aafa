-- Messages of one contact per segment as stored now: bucket = the end (ms) of the segment
-- before (the first of {bounds}, below any time, for the first segment), so that the
-- bucket of the last end counts the messages after every segment. {bounds} ascending;
-- roundDown finds a row's bucket by binary search. Reads the contact's times only.
SELECT toString(roundDown(toUnixTimestamp64Milli(occurred_at) - 1, {bounds:Array(Int64)})) AS after, count() AS n
FROM billing_messages
WHERE account_id = {account:String} AND channel = {ch:String} AND contact_id = {ct:String}
GROUP BY after
