select 
        (
        ((timestamp '2021-03-01 00:00:01.500')::date - (timestamp '2019-12-31 23:59:58.250')::date)
     * 24 + date_part('hour', (timestamp '2021-03-01 00:00:01.500')::timestamp) - date_part('hour', (timestamp '2019-12-31 23:59:58.250')::timestamp))
     as v
