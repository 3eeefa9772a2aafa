-- Runs still running or with a webhook still due: what a dead process may have left.
SELECT {{columns}} FROM export_runs FINAL
WHERE status = 'running' OR webhook_status = 'pending'
