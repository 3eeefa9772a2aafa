-- Latest fire a schedule's runs were for, unix ms (NULL: none). Interrupted runs are left
-- out: they did not happen, and catch-up runs their fire again.
SELECT toUnixTimestamp64Milli(max(scheduled_for)) AS t FROM export_runs FINAL
WHERE account_id = {account:String} AND schedule_id = {id:String} AND status != 'interrupted'
