select 

  
    

    split_part(
        'a,bb,,ccc',
        ',',
        3
        )


  

 as v
