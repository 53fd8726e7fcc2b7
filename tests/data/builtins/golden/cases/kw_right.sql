select 

    right(
        'abc',
        2
    ) as v
