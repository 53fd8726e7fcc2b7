select md5(cast('a' as TEXT)) as v
