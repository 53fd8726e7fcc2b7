select bool_or(n > 3)::text as v from (values ('b', 2), ('a', 1), ('c', 3), ('a', 4)) t(x, n)
