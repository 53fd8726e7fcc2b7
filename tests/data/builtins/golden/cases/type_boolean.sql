select 'boolean' as v, cast(null as boolean) as c
