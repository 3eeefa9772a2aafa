-- CRC32("account\0id") of every stored event, 4 bytes each (RowBinary UInt32): the same
-- hash ingest/bloom.ts computes in Node (zlib.crc32), so the filter is filled without
-- moving the ids themselves.
SELECT CRC32(concat(account_id, '\0', id)) FROM events FORMAT RowBinary
