select 

    split_part(
        'p.q.r',
        '.',
        2
        )

 as v
