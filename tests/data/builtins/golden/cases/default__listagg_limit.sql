select 1 as v
/*
array_to_string(
        array_slice(
            array_agg(
                x
            )
            ,0
            ,5
        ),
        ','
        )
*/
