select 1 as v
/*


    dateadd(
        day,
        1,
        d
        )


*/
