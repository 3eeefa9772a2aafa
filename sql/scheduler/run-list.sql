-- An account's runs, newest first (run ids sort by start), paged by id: `before` is the
-- last id of the previous page. schedule / status / before '' = no filter.
SELECT {{columns}} FROM export_runs FINAL
WHERE account_id = {account:String}
  AND ({schedule:String} = '' OR schedule_id = {schedule:String})
  AND ({status:String} = '' OR status = {status:String})
  AND ({before:String} = '' OR id < {before:String})
ORDER BY id DESC
LIMIT {limit:UInt32}
