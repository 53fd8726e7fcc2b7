select 

    split_part(
        'p.q.r',
        '.',
          length('p.q.r')
          - length(
              replace('p.q.r',  '.', '')
          ) + 2 + -2
        )

 as v
