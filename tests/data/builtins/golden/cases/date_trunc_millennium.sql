select date_trunc('millennium', timestamp '2021-03-01 00:00:01.500') as v
