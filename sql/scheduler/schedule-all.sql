-- Every account's schedules, deleted ones included (the scheduler disarms those).
SELECT {{columns}} FROM export_schedules FINAL
