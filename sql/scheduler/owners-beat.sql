-- An owner's heartbeat, stamped with the store's clock.
INSERT INTO export_run_owners SELECT {owner:String}, now64(3)
