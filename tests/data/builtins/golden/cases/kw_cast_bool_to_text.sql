select 
  
    cast(false as TEXT)

 as v
