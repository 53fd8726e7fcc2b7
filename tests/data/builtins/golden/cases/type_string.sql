select 'TEXT' as v, cast(null as TEXT) as c
