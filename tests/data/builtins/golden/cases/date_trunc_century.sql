select date_trunc('century', timestamp '2021-03-01 00:00:01.500') as v
