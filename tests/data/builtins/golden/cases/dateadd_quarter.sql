select 1 as v
/*


    d + ((interval '1 quarter') * (1))


*/
