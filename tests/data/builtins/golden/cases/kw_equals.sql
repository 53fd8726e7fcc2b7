select (2 = 1 + 1) as v
