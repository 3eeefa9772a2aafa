  AND (kind, month, t, id) IN
      (
          SELECT k.1, k.2, k.3, k.4
          FROM billing_items FINAL
          ARRAY JOIN arrayPushBack(keys, (toUInt8(2), month, t, id)) AS k
          WHERE account_id = {account:String} AND kind = 2 AND month = toDate('1970-01-01')
            AND (t, id) IN (SELECT fromUnixTimestamp64Milli(p.1, 'UTC'), p.2 FROM (SELECT arrayJoin(arrayZip({ends:Array(Int64)}, {ids:Array(String)})) AS p))
      )
