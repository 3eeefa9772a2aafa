-- Dead letters: every rejected line, verbatim (up to 64 KiB; raw_bytes keeps the real
-- length of a longer line), with its line number, field, reason and time. Listed newest
-- first by GET /api/v1/rejected, so the sort key leads with the time.
CREATE TABLE IF NOT EXISTS rejected_events
(
    received_at DateTime64(3, 'UTC'),
    request_id  String,
    key_id      String,
    account_id  String,
    line        UInt32,
    event_id    String,
    field       String,
    message     String,
    raw         String,
    raw_bytes   UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (received_at, request_id, line);
