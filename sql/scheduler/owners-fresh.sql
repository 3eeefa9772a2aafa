-- Of these owners, those whose latest heartbeat is younger than the lease, by the store's
-- clock (now64): the clock that wrote the beats, whichever instance asks.
SELECT owner FROM export_run_owners
WHERE owner IN {owners:Array(String)}
GROUP BY owner
HAVING max(seen_at) > now64(3) - toIntervalSecond({lease:UInt32})
