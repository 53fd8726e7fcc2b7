select 'hello world' as v
