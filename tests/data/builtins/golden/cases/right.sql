select 

    right(
        'banana',
        3
    ) as v
