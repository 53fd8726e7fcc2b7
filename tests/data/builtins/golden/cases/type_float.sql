select 'float' as v, cast(null as float) as c
