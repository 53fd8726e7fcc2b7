select 

    length(
        'abc'
    ) as v
