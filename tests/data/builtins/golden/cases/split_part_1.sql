select 

  
    

    split_part(
        'a,bb,,ccc',
        ',',
        1
        )


  

 as v
