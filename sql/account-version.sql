-- The data version of one account (migration 032): rows stored so far and the latest
-- ingest time; '0:0' for an account with no batch since the migration.
SELECT toString(sum(rows)) || ':' || toString(toUnixTimestamp64Milli(max(last_ingested_at))) AS v
FROM account_versions
WHERE account_id = {account:String}
