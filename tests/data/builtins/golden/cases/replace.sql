select 

    replace(
        'banana',
        'an',
        'AN'
    )


 as v
