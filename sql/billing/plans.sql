-- The account's plan history in force order: by occurred_at, then id (the later id wins
-- a tie, being in force from the same instant). FINAL: a plan stored twice counts once.
SELECT toUnixTimestamp64Milli(occurred_at) AS ms, id, mcc_free_monthly, muv_free_monthly,
       price_mcc_service, price_mcc_initiated, price_muv, mcc_rollover, timezone
FROM plans FINAL
WHERE account_id = {account:String}
ORDER BY occurred_at, id
