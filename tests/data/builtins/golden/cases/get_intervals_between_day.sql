select 60 as v
