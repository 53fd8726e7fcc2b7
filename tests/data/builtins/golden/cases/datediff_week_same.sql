select 
        (
        ((date '2024-03-09')::date - (date '2024-03-03')::date)
     / 7 + case
            when date_part('dow', (date '2024-03-03')::timestamp) <= date_part('dow', (date '2024-03-09')::timestamp) then
                case when date '2024-03-03' <= date '2024-03-09' then 0 else -1 end
            else
                case when date '2024-03-03' <= date '2024-03-09' then 1 else 0 end
        end)
     as v
