select 

  
    

    split_part(
        'a,bb,,ccc',
        ',',
        4
        )


  

 as v
