select cast(
        

    

    date_trunc('month', timestamp '2019-12-31 23:59:58.250') + ((interval '1 month') * (1))

 + ((interval '1 day') * (-1))


        as date) as v
