select 
    (1 IS NOT DISTINCT FROM null::int) as v
