select 'only' as v
