select 

    timestamp '2019-12-31 23:59:58.250' + ((interval '1 year') * (3))

 as v
