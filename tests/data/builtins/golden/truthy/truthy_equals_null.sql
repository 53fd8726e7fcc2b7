select 
    (null::int IS NOT DISTINCT FROM null::int) as v
