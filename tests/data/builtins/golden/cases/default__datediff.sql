select 1 as v
/*
datediff(
        day,
        a,
        b
        )
*/
