select cast(
        

    

    date_trunc('month', date '2023-11-05') + ((interval '1 month') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
