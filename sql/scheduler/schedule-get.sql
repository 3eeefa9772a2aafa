-- One schedule of an account, unless deleted.
SELECT {{columns}} FROM export_schedules FINAL
WHERE account_id = {account:String} AND id = {id:String} AND NOT deleted
