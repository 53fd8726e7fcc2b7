select 

    position(
        'c' in 'abc'
    ) as v
