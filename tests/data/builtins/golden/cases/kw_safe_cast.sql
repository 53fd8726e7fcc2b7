select 
    
    cast('7' as bigint)
 as v
