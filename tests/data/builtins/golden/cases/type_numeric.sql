select 'numeric(28,6)' as v, cast(null as numeric(28,6)) as c
