select array_to_string(
        (array_agg(
            x
            order by x, n
        ))[1:3],
        '-'
        ) as v from (values ('b', 2), ('a', 1), ('c', 3), ('a', 4)) t(x, n)
