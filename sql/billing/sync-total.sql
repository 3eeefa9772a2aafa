-- Message rows the account's current derivation read (sum of its sync markers).
SELECT sum(rows) AS rows FROM billing_items FINAL WHERE account_id = {account:String} AND kind = 2
