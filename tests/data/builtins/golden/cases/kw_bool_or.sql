select bool_or(x)::text as v from (values (false), (false)) t(x)
