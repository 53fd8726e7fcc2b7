select 
    case when ((null::int = null::int) or (null::int is null and null::int is null))
        then 0
        else 1
    end = 0
 as v
