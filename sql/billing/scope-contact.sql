      AND channel = {c0:String} AND contact_id = {k0:String}
