select cast(
        

    

    date_trunc('month', date '2023-02-03') + ((interval '1 month') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
