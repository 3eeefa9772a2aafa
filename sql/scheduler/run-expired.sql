-- Runs whose file is older than the cutoff and still on disk (retention deletes it).
SELECT {{columns}} FROM export_runs FINAL
WHERE file != '' AND started_at < {cutoff:DateTime64(3, 'UTC')}
