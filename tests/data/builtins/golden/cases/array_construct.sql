select 
    array[ 1 , 2 , 3 ]
    ::text as v
