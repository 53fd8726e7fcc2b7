select 
    case when ((1 = 2) or (1 is null and 2 is null))
        then 0
        else 1
    end = 0
 as v
