select 'integer' as v, cast(null as integer) as c
