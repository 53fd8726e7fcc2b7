select 5.0 as v
