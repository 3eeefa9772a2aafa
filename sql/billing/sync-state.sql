-- What a billing read needs first, in one round trip: the account's plan history (in
-- force order: occurred_at, then id; FINAL so a plan stored twice counts once; the
-- account's time zone is its latest plan's), the time zone and layout its items were
-- derived with (and the version of that derivation, and the account's first event: with
-- the plans and the time zone they identify everything memo.ts may reuse), and up to {limit} contacts with message rows their derivation did not
-- read (billing_pending sums to 0 per up-to-date contact), as marker ids
-- 'channel:contact_id'.
SELECT
    (SELECT arraySort(x -> (x.1, x.2), groupArray((toUnixTimestamp64Milli(occurred_at), id, mcc_free_monthly, muv_free_monthly,
                                                  price_mcc_service, price_mcc_initiated, price_muv, mcc_rollover, timezone)))
     FROM plans FINAL WHERE account_id = {account:String}) AS plans,
    (SELECT count() FROM billing_sync_accounts WHERE account_id = {account:String}) AS synced,
    (SELECT max(version) FROM billing_sync_accounts WHERE account_id = {account:String}) AS derivation,
    (SELECT toString(min(first_event_at)) FROM accounts WHERE account_id = {account:String}) AS first_event,
    (SELECT argMax((timezone, format), version) FROM billing_sync_accounts WHERE account_id = {account:String}) AS synced_as,
    (SELECT groupArray(m) FROM (
        SELECT concat(channel, ':', contact_id) AS m
        FROM billing_pending
        WHERE account_id = {account:String}
        GROUP BY channel, contact_id
        HAVING sum(n) != 0
        LIMIT {limit:UInt32})) AS pending
