select 1 as v
/*

    listagg(
        x,
        ','
        )
        within group (order by n)
*/
