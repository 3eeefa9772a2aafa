-- One run of an account.
SELECT {{columns}} FROM export_runs FINAL
WHERE account_id = {account:String} AND id = {id:String}
