select 

    replace(
        'abc',
        'b',
        'B'
    )


 as v
