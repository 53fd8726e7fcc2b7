select md5(cast(42 as TEXT)) as v
