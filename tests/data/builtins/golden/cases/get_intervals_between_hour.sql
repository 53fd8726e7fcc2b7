select 46.0 as v
