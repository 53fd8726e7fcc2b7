select 'o''k' as v
