-- An account's distinct event ids: how many, and the sum of their CRC32 as a decimal
-- string (a UInt64 sum; text so that no JSON reader rounds it).
SELECT count() AS events, toString(sum(CRC32(id))) AS crc32_sum
FROM (SELECT DISTINCT id FROM events WHERE account_id = {account:String})
