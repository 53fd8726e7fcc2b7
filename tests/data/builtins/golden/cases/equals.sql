select (1 = 1) as v
