select 'it''s' as v
