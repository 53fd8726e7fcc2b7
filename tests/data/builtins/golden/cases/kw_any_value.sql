select min(x) as v from (values (3), (1)) t(x)
