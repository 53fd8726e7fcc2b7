select 'timestamp' as v, cast(null as timestamp) as c
