select 
    array[]::bigint[]
    ::text as v
