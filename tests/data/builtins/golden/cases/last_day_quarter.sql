select -- postgres dateadd does not support quarter interval.
    cast(
        

    

    date_trunc('quarter', date '2024-02-10') + ((interval '1 month') * (3))

 + ((interval '1 day') * (-1))


        as date) as v
