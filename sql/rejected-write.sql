-- Dead letters of one request, a batch of JSONEachRow rows (sql/rejected.ts rejectedRow).
INSERT INTO rejected_events FORMAT JSONEachRow
