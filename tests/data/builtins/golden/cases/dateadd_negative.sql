select 

    date '2024-03-31' + ((interval '1 month') * (-13))

 as v
