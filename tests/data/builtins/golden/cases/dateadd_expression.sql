select 

    date '2024-02-28' + ((interval '1 day') * (1 + 2))

 as v
