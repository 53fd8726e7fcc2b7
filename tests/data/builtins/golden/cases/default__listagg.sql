select 1 as v
/*

    listagg(
        x,
        ','
        )
        
*/
