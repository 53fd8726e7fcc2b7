select cast(
        

    

    date_trunc('month', date '2024-02-10') + ((interval '1 month') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
