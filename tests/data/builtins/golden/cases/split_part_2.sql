select 

  
    

    split_part(
        'a,bb,,ccc',
        ',',
        2
        )


  

 as v
