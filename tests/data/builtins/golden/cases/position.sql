select 

    position(
        'na' in 'banana'
    ) as v
