select 
    array[]::TEXT[]
    ::text as v
