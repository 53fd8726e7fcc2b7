select ('a' = 'b') as v
