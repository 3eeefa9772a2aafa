-- The starts (unix ms) of every calendar bucket that [lo, hi) touches, so that a series
-- lists empty buckets too. Samples the window every hour ({hours} samples from {lo}):
-- every bucket (an hour, day, week or month in {tz}) holds at least one sample, and the
-- buckets come from the same {{bucket}} fragment as the metrics' own.
SELECT arraySort(arrayDistinct(arrayMap(x -> {{bucket x}}, arrayMap(k -> addHours({lo:DateTime64(3, 'UTC')}, k), range({hours:UInt32}))))) AS starts
