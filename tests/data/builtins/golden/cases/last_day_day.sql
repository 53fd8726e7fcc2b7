select cast(
        

    

    date_trunc('day', date '2024-02-10') + ((interval '1 day') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
