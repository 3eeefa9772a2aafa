-- An account's runs whose file is still on disk, newest first (the byte cap keeps the newest).
SELECT {{columns}} FROM export_runs FINAL
WHERE account_id = {account:String} AND file != ''
ORDER BY started_at DESC, id DESC
