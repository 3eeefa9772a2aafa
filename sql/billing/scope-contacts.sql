      AND (channel, contact_id) IN (SELECT arrayJoin(arrayZip({ch:Array(String)}, {ct:Array(String)})))
