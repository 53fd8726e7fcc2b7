select 
  
    cast(1 = 1 as TEXT)

 as v
