-- Stored event rows and distinct (account_id, id) pairs: equal unless an event is stored twice.
SELECT count() AS events, uniqExact(account_id, id) AS distinct FROM events
