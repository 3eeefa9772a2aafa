-- Runs still marked running, of one schedule or (id '') of every schedule.
SELECT {{columns}} FROM export_runs FINAL
WHERE status = 'running' AND ({id:String} = '' OR schedule_id = {id:String})
