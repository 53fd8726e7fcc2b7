select 1 as v
/*

        (
        (date_part('year', (b)::date) - date_part('year', (a)::date))
     * 4 + date_part('quarter', (b)::date) - date_part('quarter', (a)::date))
    
*/
