select 
    cast('1.5' as numeric(28,6))
 as v
