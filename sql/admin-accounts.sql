-- Every account an admin can switch to: those with events and those with a live key.
SELECT account_id FROM accounts GROUP BY account_id
UNION DISTINCT
SELECT account_id FROM api_keys FINAL WHERE account_id != '' AND revoked_at IS NULL
ORDER BY account_id
LIMIT 10000
