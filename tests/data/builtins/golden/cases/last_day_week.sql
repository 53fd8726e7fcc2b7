select cast(
        

    

    date_trunc('week', date '2024-02-10') + ((interval '1 week') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
