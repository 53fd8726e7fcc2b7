select 1 as v union all select 2 

    intersect

 select 2
