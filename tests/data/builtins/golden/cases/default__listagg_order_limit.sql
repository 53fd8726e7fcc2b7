select 1 as v
/*
array_to_string(
        array_slice(
            array_agg(
                x
            )within group (order by n)
            ,0
            ,5
        ),
        ','
        )
*/
