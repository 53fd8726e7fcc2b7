select 
  
    cast(true as TEXT)

 as v
