select 
    
    cast('12' as integer)
 as v
