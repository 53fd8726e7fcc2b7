select 
    array[ 'a' , 'b' ]
    ::text as v
