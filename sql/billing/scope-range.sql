      AND (channel > {c0:String} OR (channel = {c0:String} AND contact_id > {k0:String}))
      AND (channel < {c1:String} OR (channel = {c1:String} AND contact_id <= {k1:String}))
      AND (channel, contact_id) NOT IN (SELECT arrayJoin(arrayZip({bch:Array(String)}, {bct:Array(String)})))
