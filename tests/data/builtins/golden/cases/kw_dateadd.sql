select 

    timestamp '2024-01-01' + ((interval '1 hour') * (-1))

 as v
