select md5(cast('x' as TEXT)) as v
