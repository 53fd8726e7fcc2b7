select 'abc' as v
