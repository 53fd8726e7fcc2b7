select 
    array[]::integer[]
    ::text as v
