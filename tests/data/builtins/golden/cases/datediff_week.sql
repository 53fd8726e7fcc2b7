select 
        (
        ((timestamp '2021-03-01 00:00:01.500')::date - (timestamp '2019-12-31 23:59:58.250')::date)
     / 7 + case
            when date_part('dow', (timestamp '2019-12-31 23:59:58.250')::timestamp) <= date_part('dow', (timestamp '2021-03-01 00:00:01.500')::timestamp) then
                case when timestamp '2019-12-31 23:59:58.250' <= timestamp '2021-03-01 00:00:01.500' then 0 else -1 end
            else
                case when timestamp '2019-12-31 23:59:58.250' <= timestamp '2021-03-01 00:00:01.500' then 1 else 0 end
        end)
     as v
