-- Is the account's derivation current? Compares the message rows stored now with the
-- rows the last derivation read, and the account's time zone (its latest plan's, ''
-- without a plan) with the one the months were cut in. Three one-row reads.
SELECT
    (SELECT sum(rows) FROM billing_account_rows WHERE account_id = {account:String}) AS stored_rows,
    (SELECT argMax(timezone, (occurred_at, id)) FROM plans WHERE account_id = {account:String}) AS plan_tz,
    (SELECT count() FROM billing_sync_accounts WHERE account_id = {account:String}) AS synced,
    (SELECT argMax(rows, version) FROM billing_sync_accounts WHERE account_id = {account:String}) AS synced_rows,
    (SELECT argMax(timezone, version) FROM billing_sync_accounts WHERE account_id = {account:String}) AS synced_tz
