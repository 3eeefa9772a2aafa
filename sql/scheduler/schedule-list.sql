-- An account's schedules (deleted ones left out), oldest first.
SELECT {{columns}} FROM export_schedules FINAL
WHERE account_id = {account:String} AND NOT deleted
ORDER BY created_at, id
