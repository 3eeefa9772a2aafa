-- Which of these accounts' ids are stored: one primary-key lookup for a whole batch.
-- It may return pairs that were not asked (account of one, id of another): the caller
-- keeps only those it asked for.
SELECT DISTINCT account_id, id FROM events
WHERE account_id IN {accounts:Array(String)} AND id IN {ids:Array(String)}
