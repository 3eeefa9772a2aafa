-- Dead letters, newest first, paged by keyset on the sort key (received_at, request_id,
-- line): has_cursor 1 keeps the rows after the cursor's. account / request_id '' = all.
-- received_at as unix ms under another name than its column (an alias named like it
-- would replace it in WHERE and ORDER BY).
SELECT toUnixTimestamp64Milli(received_at) AS received_ms, request_id, account_id, line, event_id, field, message, raw, raw_bytes
FROM rejected_events
WHERE ({account:String} = '' OR account_id = {account:String})
  AND ({request_id:String} = '' OR request_id = {request_id:String})
  AND ({has_cursor:UInt8} = 0 OR (received_at, request_id, line) < (toDateTime64({c_at:String}, 3, 'UTC'), {c_req:String}, {c_line:UInt32}))
ORDER BY received_at DESC, request_id DESC, line DESC
LIMIT {limit:UInt32}
