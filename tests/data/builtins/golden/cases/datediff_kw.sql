select 
        ((date '2021-02-28')::date - (date '2020-02-29')::date)
     as v
