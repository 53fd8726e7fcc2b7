select max(x) as v from (values (2), (1)) t(x)
