select 1 as v
/*
(a = b)
*/
