select 

  
    

    split_part(
        'x--y--z',
        '--',
          length('x--y--z')
          - length(
              replace('x--y--z',  '--', '')
          ) + 2 + -1
        )


  

 as v
