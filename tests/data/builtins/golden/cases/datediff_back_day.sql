select 
        ((timestamp '2019-12-31 23:59:58.250')::date - (timestamp '2021-03-01 00:00:01.500')::date)
     as v
