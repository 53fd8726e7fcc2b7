select 1 as v
/*


  
    

    split_part(
        'a,b',
        ',',
        0
        )


  


*/
