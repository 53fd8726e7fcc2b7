select 

  
    

    split_part(
        'a,bb,,ccc',
        ',',
          length('a,bb,,ccc')
          - length(
              replace('a,bb,,ccc',  ',', '')
          ) + 2 + -2
        )


  

 as v
