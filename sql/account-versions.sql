-- The data versions of some accounts (migration 032): rows stored so far and the latest
-- ingest time of each; an account without a row has had no batch since the migration
-- (sql/account.ts answers '0:0' for it).
SELECT
    account_id,
    toString(sum(rows)) || ':' || toString(toUnixTimestamp64Milli(max(last_ingested_at))) AS v
FROM account_versions
WHERE account_id IN {accounts:Array(String)}
GROUP BY account_id
