select 
  
    cast(null::boolean as TEXT)

 as v
