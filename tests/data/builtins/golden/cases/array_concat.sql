select array_cat(
    array[ 1 ]
    , 
    array[ 2 , 3 ]
    )::text as v
