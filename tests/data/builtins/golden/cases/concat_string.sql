select a || b || c as v from (values ('x', 'y', 'z')) t(a, b, c)
