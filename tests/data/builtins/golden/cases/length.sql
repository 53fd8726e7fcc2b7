select 

    length(
        'four'
    ) as v
