select 'don''t' as v
