select 'bigint' as v, cast(null as bigint) as c
