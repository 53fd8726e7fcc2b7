select 'v' as v
