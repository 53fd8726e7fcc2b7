select 
    (1 IS NOT DISTINCT FROM 1) as v
